import { Injectable, NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { inActiveTrace } from '@slipway/nest-telemetry';
import { PinoLogger } from 'nestjs-pino';
import { redactUrl } from './redaction';

/** Probes and scrapes arrive every few seconds and say nothing: they are never logged. */
const UNLOGGED_PATH = /^\/(health|metrics)(\/|\?|$)/;

type LoggedRequest = IncomingMessage & { originalUrl?: string; ip?: string };

/**
 * One line per answered request: method, URL (secrets redacted), status, time, and the client. It replaces
 * pino-http, which made a child logger for every request, serialising and redacting the whole request
 * (headers included) whatever the log level: a fifth of the gateway's CPU per request at LOG_LEVEL=warn.
 * Lines logged while a request runs are tied to it by their trace id instead.
 */
@Injectable()
export class RequestLogMiddleware implements NestMiddleware {
  constructor(private readonly logger: PinoLogger) {}

  use(request: LoggedRequest, response: ServerResponse, next: () => void): void {
    const url = request.originalUrl ?? request.url ?? '/';
    if (UNLOGGED_PATH.test(url)) return next();
    const started = performance.now();
    let done = false;
    // Run when the response ends, from a socket event: in the request's trace, so the line carries its id.
    const log = inActiveTrace(() => {
      if (done) return;
      done = true;
      const aborted = !response.writableFinished;
      const status = response.statusCode;
      // A client leaving early (a closed tab ends a live log stream) is routine, not a warning.
      const level = status >= 500 ? 'error' : 'info';
      const pino = this.logger.logger;
      if (!pino.isLevelEnabled(level)) return;
      pino[level](
        {
          req: {
            method: request.method,
            url: redactUrl(url),
            remoteAddress: request.ip ?? request.socket.remoteAddress,
            userAgent: request.headers['user-agent'],
          },
          res: { statusCode: status },
          responseTime: Math.round(performance.now() - started),
        },
        aborted ? 'request aborted' : 'request completed',
      );
    });
    response.once('finish', log);
    response.once('close', log);
    next();
  }
}
