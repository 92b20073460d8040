import { RpcErrorCodes } from '@slipway/contracts';
import { DomainError } from '@slipway/nest-messaging';
import { createHash } from 'node:crypto';

/** Where a page ended: the sort key (timestamp, seq, _id) of its last line. */
export interface CursorPosition {
  timestamp: Date;
  seq: number;
  id: string;
}

export class InvalidCursorError extends DomainError {
  constructor() {
    super(
      RpcErrorCodes.Validation,
      'cursor is not valid: pass back the nextCursor of a previous page unchanged',
    );
    this.name = 'InvalidCursorError';
  }
}

const VERSION = 'c1';
const OBJECT_ID = /^[0-9a-f]{24}$/;

// Not a secret: the check only tells an edited or truncated cursor from a real one.
function checksum(body: string): string {
  return createHash('sha256').update(`slipway-log-cursor:${body}`).digest('base64url').slice(0, 12);
}

/** An opaque, URL-safe cursor: `c1.<base64url of [epoch ms, seq, id]>.<check>`. */
export function encodeCursor(position: CursorPosition): string {
  const body = Buffer.from(
    JSON.stringify([position.timestamp.getTime(), position.seq, position.id]),
  ).toString('base64url');
  return `${VERSION}.${body}.${checksum(body)}`;
}

export function decodeCursor(cursor: string): CursorPosition {
  const [version, body, check, ...rest] = cursor.split('.');
  if (version !== VERSION || !body || !check || rest.length > 0 || checksum(body) !== check) {
    throw new InvalidCursorError();
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!Array.isArray(decoded) || decoded.length !== 3) throw new InvalidCursorError();
  const [time, seq, id] = decoded as unknown[];
  if (
    typeof time !== 'number' ||
    !Number.isSafeInteger(time) ||
    typeof seq !== 'number' ||
    !Number.isSafeInteger(seq) ||
    typeof id !== 'string' ||
    !OBJECT_ID.test(id)
  ) {
    throw new InvalidCursorError();
  }
  return { timestamp: new Date(time), seq, id };
}
