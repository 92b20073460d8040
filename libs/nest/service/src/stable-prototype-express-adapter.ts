import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Express } from 'express';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';

/**
 * Express gives each request and response its app's prototypes with `Object.setPrototypeOf` as it
 * dispatches them. V8 then builds new hidden classes for them as properties are added, and it allocates
 * those in the old generation: at 500 requests/s the gateway promoted ~8 MB/s and ran a full collection
 * every few seconds, each one followed by a stall of tens of milliseconds. Here Node constructs the
 * request and the response with those prototypes already in place, so Express's `setPrototypeOf` finds
 * nothing to change. Plain HTTP only; HTTPS and forced connection closing keep Nest's own server.
 */
export class StablePrototypeExpressAdapter extends ExpressAdapter {
  override initHttpServer(options: NestApplicationOptions): void {
    if (options?.httpsOptions || options?.forceCloseConnections) {
      super.initHttpServer(options);
      return;
    }
    const app = this.getInstance<Express>();
    class AppRequest extends IncomingMessage {}
    class AppResponse extends ServerResponse {}
    // Once at start-up: the app's prototypes stay in the chain, one link down.
    Object.setPrototypeOf(AppRequest.prototype, app.request);
    Object.setPrototypeOf(AppResponse.prototype, app.response);
    app.request = AppRequest.prototype as Express['request'];
    app.response = AppResponse.prototype as unknown as Express['response'];
    this.setHttpServer(
      createServer(
        { IncomingMessage: AppRequest, ServerResponse: AppResponse as typeof ServerResponse },
        app,
      ),
    );
  }
}
