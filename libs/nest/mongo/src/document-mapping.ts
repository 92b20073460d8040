import { Types } from 'mongoose';

/** Dates leave a service as ISO strings; ids as hex strings. */
export function toIsoString(value: Date | string | undefined | null): string {
  if (!value) return new Date(0).toISOString();
  return value instanceof Date ? value.toISOString() : new Date(value).toISOString();
}

export function isObjectId(value: string): boolean {
  return Types.ObjectId.isValid(value) && /^[a-f0-9]{24}$/i.test(value);
}

/** MongoDB (and FerretDB) report a unique index violation with code 11000. */
export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}
