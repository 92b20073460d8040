/**
 * Errors travel between services as plain objects over NATS; the gateway maps them to RFC 7807 responses.
 * The codes are the only vocabulary services share for failures.
 */
export const RpcErrorCodes = {
  Validation: 'VALIDATION',
  NotFound: 'NOT_FOUND',
  Conflict: 'CONFLICT',
  Unavailable: 'UNAVAILABLE',
  Internal: 'INTERNAL',
} as const;
export type RpcErrorCode = (typeof RpcErrorCodes)[keyof typeof RpcErrorCodes];

export interface RpcErrorBody {
  code: RpcErrorCode;
  message: string;
  details?: string[];
}

export function isRpcErrorBody(value: unknown): value is RpcErrorBody {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate['code'] === 'string' &&
    typeof candidate['message'] === 'string' &&
    Object.values(RpcErrorCodes).includes(candidate['code'] as RpcErrorCode)
  );
}
