import { Logger } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

// The API, the service's own probes and metrics; everything else may be a portal route.
const NOT_PORTAL = /^\/(api(\/|$)|health\/(live|ready)$|metrics$)/;
// Angular's production build puts a content hash in every script and stylesheet name.
const HASHED_ASSET = /-[A-Z0-9]{8}\.(js|css)$/;

/** Every file of the build, by URL path ("/main-ABCD1234.js"). The build never changes while we run. */
function filesOf(root: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const absolute = join(entry.parentPath, entry.name);
    files.set(`/${relative(root, absolute).split(sep).join('/')}`, absolute);
  }
  return files;
}

/**
 * Serves the built Angular portal on the gateway's origin (so the browser needs no CORS) with the SPA
 * fallback: any GET outside the API that is not a file gets index.html. The files are listed once at start,
 * so an API request costs one regular expression here, not a file-system lookup.
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
  const files = filesOf(root);
  app.use((request: Request, response: Response, next: NextFunction) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || NOT_PORTAL.test(request.path)) {
      return next();
    }
    let path: string | undefined;
    try {
      path = files.get(decodeURIComponent(request.path));
    } catch {
      // A malformed escape in the path cannot name a file: the SPA fallback answers it.
    }
    if (path === undefined || path === index) {
      response.setHeader('Cache-Control', 'no-cache');
      return response.sendFile(index);
    }
    response.setHeader(
      'Cache-Control',
      HASHED_ASSET.test(path) ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
    );
    return response.sendFile(path);
  });
}
