import { Actor } from '@slipway/contracts';
import { DomainError } from '@slipway/nest-messaging';
import { isObjectId } from '@slipway/nest-mongo';
import { FilterQuery } from 'mongoose';

/**
 * The filter that limits a query to what the actor may see: everything for an admin, only their own
 * for a user. Another user's record is therefore simply not found (no hint that it exists).
 */
export function ownedBy<T extends { ownerId: string }>(actor: Actor): FilterQuery<T> {
  return (actor.role === 'admin' ? {} : { ownerId: actor.userId }) as FilterQuery<T>;
}

/** A page cursor is the last item's id: lists are newest first, by id. */
export function pageFilter<T>(cursor: string | undefined): FilterQuery<T> {
  if (cursor === undefined) return {};
  if (!isObjectId(cursor)) {
    throw new DomainError(
      'VALIDATION',
      'The cursor is not one this list handed out; start from the first page.',
    );
  }
  return { _id: { $lt: cursor } } as FilterQuery<T>;
}

export function nextCursorOf<T extends { _id: { toHexString(): string } }>(
  items: T[],
  limit: number,
): string | null {
  return items.length === limit ? (items[items.length - 1]?._id.toHexString() ?? null) : null;
}
