import type { IncomingMessage } from 'node:http';

/** Where the JSON body parser leaves the exact bytes of a webhook request (its signature covers them). */
export interface RawBodyRequest extends IncomingMessage {
  rawBody?: Buffer;
}

export const HOOKS_PATH_PREFIX = '/api/v1/hooks/';

/**
 * The JSON body parser's `verify` callback: keeps the raw bytes of webhook requests only, so a signature
 * can be checked against exactly what was sent (a re-serialised body would not match).
 */
export function keepRawBodyOfWebhooks(request: IncomingMessage, _response: unknown, body: Buffer): void {
  if (request.url?.startsWith(HOOKS_PATH_PREFIX)) (request as RawBodyRequest).rawBody = body;
}
