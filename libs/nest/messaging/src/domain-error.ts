import { RpcErrorBody, RpcErrorCode, RpcErrorCodes } from '@slipway/contracts';

/** A failure the caller should hear about in words (not found, conflict, ...), not an internal error. */
export class DomainError extends Error {
  constructor(
    readonly code: RpcErrorCode,
    message: string,
    readonly details?: string[],
  ) {
    super(message);
    this.name = 'DomainError';
  }

  toBody(): RpcErrorBody {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }

  static notFound(message: string): DomainError {
    return new DomainError(RpcErrorCodes.NotFound, message);
  }

  static conflict(message: string): DomainError {
    return new DomainError(RpcErrorCodes.Conflict, message);
  }
}
