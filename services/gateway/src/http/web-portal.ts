import { Logger } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const NOT_PORTAL = /^\/(api|health|metrics)(\/|$)/;

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
  app.useStaticAssets(root, { index: false, maxAge: '1h' });
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' || NOT_PORTAL.test(request.path)) return next();
    response.setHeader('Cache-Control', 'no-cache');
    response.sendFile(index);
  });
}
