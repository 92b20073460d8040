/** Why an API call failed, as far as the portal can tell. */
export type ApiErrorKind = 'network' | 'timeout' | 'http' | 'invalid-response';

/** A failed API call. `message` is written for the person using the portal, never raw response data. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }

  static network(): ApiError {
    return new ApiError(
      'network',
      'Cannot reach the Slipway gateway. Check that it is running and that this device is online.',
    );
  }

  static timeout(afterMs: number): ApiError {
    return new ApiError(
      'timeout',
      `The gateway did not answer within ${Math.round(afterMs / 1000)} seconds.`,
    );
  }

  static invalidResponse(): ApiError {
    return new ApiError(
      'invalid-response',
      'The gateway answered with data this portal does not understand.',
    );
  }

  /** An HTTP error status; `body` may be an RFC 7807 problem document whose `detail` is worth showing. */
  static http(status: number, body: unknown): ApiError {
    return new ApiError('http', httpFailureMessage(status, problemText(body)), status);
  }
}

function httpFailureMessage(status: number, detail: string | null): string {
  const suffix = detail ? `: ${detail}.` : '.';
  if (status === 401 || status === 403) {
    return `You are not allowed to see this (HTTP ${status})${suffix}`;
  }
  if (status === 404) {
    return `The gateway does not offer this information (HTTP 404)${suffix}`;
  }
  if (status >= 500) {
    return `The gateway ran into a problem (HTTP ${status})${suffix}`;
  }
  return `The gateway refused the request (HTTP ${status})${suffix}`;
}

const MAX_DETAIL_LENGTH = 200;

/** The human part of a problem document (`detail`, else `title`), if it is short plain text. */
function problemText(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) {
    return null;
  }
  const { detail, title } = body as { detail?: unknown; title?: unknown };
  const text =
    typeof detail === 'string' && detail.trim() ? detail : typeof title === 'string' ? title : null;
  const trimmed = text?.trim();
  return trimmed && trimmed.length <= MAX_DETAIL_LENGTH ? trimmed.replace(/\.$/, '') : null;
}
