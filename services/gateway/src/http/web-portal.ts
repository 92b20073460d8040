import { Logger } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

// The API, the service's own probes and metrics; everything else may be a portal route.
const NOT_PORTAL = /^\/(api(\/|$)|health\/(live|ready)$|metrics$)/;
// Angular's production build puts a content hash in every script and stylesheet name.
const HASHED_ASSET = /-[A-Z0-9]{8}\.(js|css)$/;

/**
 * Serves the built Angular portal on the gateway's origin (so the browser needs no CORS) with the SPA
 * fallback: any GET outside the API that is not a file gets index.html.
 */
export function serveWebPortal(app: NestExpressApplication, distDir: string): void {
  const root = resolve(distDir);
  const index = join(root, 'index.html');
  if (!existsSync(index)) {
    new Logger('WebPortal').warn(
      `No portal build at ${root}; run "npm run build:web". The API works without it.`,
    );
    return;
  }
  app.useStaticAssets(root, {
    index: false,
    setHeaders: (response, path) => {
      response.setHeader(
        'Cache-Control',
        HASHED_ASSET.test(path) ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
      );
    },
  });
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' || NOT_PORTAL.test(request.path)) return next();
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(index);
  });
}
