import type { NextFunction, Request, Response } from 'express';
import type { ProblemDetails } from './problem-details.filter';

interface BodyParserError extends Error {
  status?: number;
  type?: string;
  limit?: number;
}

const MESSAGES: Record<string, (error: BodyParserError) => string> = {
  'entity.too.large': (error) =>
    `The request body is larger than the ${error.limit ?? 'allowed'} bytes the API accepts.` +
    ' Source archives go to POST /api/v1/uploads, which has its own limit.',
  'entity.parse.failed': () => 'The request body is not valid JSON.',
  'encoding.unsupported': () => 'The request body uses a character encoding the API does not support.',
  'charset.unsupported': () => 'The request body uses a character set the API does not support.',
};

/**
 * Errors from the body parsers happen before Nest routes the request, so Nest's exception filter never
 * sees them: this Express error handler gives them the same problem+json shape.
 */
export function bodyParserErrors(
  error: BodyParserError,
  request: Request,
  response: Response,
  next: NextFunction,
): void {
  const describe = error.type ? MESSAGES[error.type] : undefined;
  if (!describe || response.headersSent) return next(error);
  const status = error.status ?? 400;
  const problem: ProblemDetails = {
    type: 'about:blank',
    title: status === 413 ? 'Request too large' : 'Invalid request',
    status,
    detail: describe(error),
    instance: request.originalUrl,
  };
  response.status(status).type('application/problem+json').json(problem);
}
