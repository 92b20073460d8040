import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AppListCache } from './app-list-cache';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Any write through the API may change an app list (its own events follow, but later): once the write has
 * been answered, no list from before it is served, so a client that created or changed an app sees it in
 * the next list it asks for.
 */
@Injectable()
export class ForgetAppListsAfterWrites implements NestMiddleware {
  constructor(private readonly cache: AppListCache) {}

  use(request: Request, response: Response, next: NextFunction): void {
    if (!READS.has(request.method)) {
      // Before the answer leaves ('finish' would come after the client could already ask again).
      const writeHead = response.writeHead;
      response.writeHead = ((...args: Parameters<Response['writeHead']>) => {
        this.cache.forgetAll();
        return writeHead.apply(response, args);
      }) as Response['writeHead'];
    }
    next();
  }
}
