/** Why an API call failed, as far as the portal can tell. */
export type ApiErrorKind = 'network' | 'timeout' | 'http' | 'invalid-response';

/** A failed API call. `message` is written for the person using the portal, never raw response data. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly status: number | null = null,
    /** The server's own sentence (problem `detail`), without the HTTP framing. */
    readonly detail: string | null = null,
    /** Every problem the server listed (problem `errors`, else its `detail`). */
    readonly problems: readonly string[] = [],
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
    const detail = problemText(body);
    return new ApiError('http', httpFailureMessage(status, detail), status, detail, problemList(body));
  }

  /** True for an HTTP failure with one of these statuses. */
  hasStatus(...statuses: number[]): boolean {
    return this.status !== null && statuses.includes(this.status);
  }

  /** The problems split into those a form can show next to one of `fields`, and the rest. */
  forForm(fields: readonly string[]): FormProblems {
    const problems = this.problems.length > 0 ? this.problems : [this.detail ?? this.message];
    return splitProblemsByField(problems, fields);
  }
}

export interface FormProblems {
  /** First problem per field path (`name`, `envVars.0.name`). */
  byField: Record<string, string>;
  general: string[];
}

/**
 * class-validator messages start with the property path ("name must be ...", "envVars.0.name must ...");
 * a message whose first word is one of `fields`, or a path under one, belongs next to that field.
 */
export function splitProblemsByField(problems: readonly string[], fields: readonly string[]): FormProblems {
  const byField: Record<string, string> = {};
  const general: string[] = [];
  for (const problem of problems) {
    // "The password is too short" belongs to `password` as much as "password must be ..." does.
    const firstWord = /^(?:The\s+)?([A-Za-z_][\w.]*)/.exec(problem)?.[1] ?? '';
    // A sentence about several fields ("The email or the password is wrong") belongs to none of them.
    const rest = problem.slice(problem.indexOf(firstWord) + firstWord.length);
    const alsoMentioned = fields.some((name) => new RegExp(`\\b${name}\\b`).test(rest));
    const field =
      !alsoMentioned && fields.some((name) => firstWord === name || firstWord.startsWith(`${name}.`))
        ? firstWord
        : null;
    if (field === null) {
      general.push(problem);
    } else if (!(field in byField)) {
      byField[field] = problem;
    }
  }
  return { byField, general };
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

/** `errors` of a problem document, else its `detail`, as plain strings. */
function problemList(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) {
    return [];
  }
  const { errors, detail } = body as { errors?: unknown; detail?: unknown };
  if (Array.isArray(errors)) {
    return errors.filter((error): error is string => typeof error === 'string');
  }
  return typeof detail === 'string' && detail.trim() ? [detail.trim()] : [];
}
