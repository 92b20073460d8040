import { RpcErrorCodes } from '@slipway/contracts';
import { DomainError } from '@slipway/nest-messaging';
import { createHash } from 'node:crypto';
import { LinePosition } from './store/stored-line';

export class InvalidCursorError extends DomainError {
  constructor() {
    super(
      RpcErrorCodes.Validation,
      'cursor is not valid: pass back the nextCursor of a previous page unchanged',
    );
    this.name = 'InvalidCursorError';
  }
}

const VERSION = 'c2';

// Not a secret: the check only tells an edited or truncated cursor from a real one.
function checksum(body: string): string {
  return createHash('sha256').update(`slipway-log-cursor:${body}`).digest('base64url').slice(0, 12);
}

/** An opaque, URL-safe cursor: `c2.<base64url of [epoch ms, seq, order]>.<check>`. */
export function encodeCursor(position: LinePosition): string {
  const body = Buffer.from(JSON.stringify([position.timestampMs, position.seq, position.order])).toString(
    'base64url',
  );
  return `${VERSION}.${body}.${checksum(body)}`;
}

export function decodeCursor(cursor: string): LinePosition {
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
  const [timestampMs, seq, order] = decoded as unknown[];
  if (
    typeof timestampMs !== 'number' ||
    !Number.isSafeInteger(timestampMs) ||
    typeof seq !== 'number' ||
    !Number.isSafeInteger(seq) ||
    typeof order !== 'string' ||
    order.length === 0 ||
    order.length > 400
  ) {
    throw new InvalidCursorError();
  }
  return { timestampMs, seq, order };
}
