import helmet from 'helmet';
import type { Request, RequestHandler, Response } from 'express';

/**
 * The only inline script the portal has: Angular's build loads the stylesheet with
 * `<link media="print" onload="this.media='all'">`. Its hash allows exactly that handler and nothing else.
 */
const PORTAL_STYLESHEET_ONLOAD = "'sha256-MhtPZXr7+LpJUY5qtMutB+qWfQtMaPccfe7QXtCcEYc='";

/**
 * helmet's headers with a Content-Security-Policy that the Angular portal and the Swagger UI (/api/docs)
 * both work under: scripts only from this origin, inline styles allowed (Angular and Swagger UI inject
 * them), images from this origin and data: URLs, no plugins, no framing by other sites.
 *
 * Every value is the same for every request (no nonces, no per-request directives), so helmet runs once, at
 * start-up, and each request gets its recorded headers from one middleware: helmet's thirteen middlewares,
 * each called in turn per request, were a measurable part of answering a polled list.
 */
export function securityHeaders(): RequestHandler {
  const { set, removed } = recordHeaders(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          'script-src': ["'self'"],
          'script-src-attr': ["'unsafe-hashes'", PORTAL_STYLESHEET_ONLOAD],
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
          'connect-src': ["'self'"],
          'frame-ancestors': ["'none'"],
          // Self-hosted instances are often plain HTTP on a LAN address: upgrading would break every asset.
          'upgrade-insecure-requests': null,
        },
      },
      // Not includeSubDomains: deployed apps live on subdomains of the portal's host and may be plain HTTP.
      strictTransportSecurity: { maxAge: 15_552_000, includeSubDomains: false },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  return (_request, response, next) => {
    for (const [name, value] of set) response.setHeader(name, value);
    for (const name of removed) response.removeHeader(name);
    next();
  };
}

/** The headers a middleware sets and removes, recorded from one run against a response that only records. */
export function recordHeaders(middleware: RequestHandler): {
  set: Array<[string, string]>;
  removed: string[];
} {
  const set = new Map<string, string>();
  const removed = new Set<string>();
  const response = {
    setHeader(name: string, value: string | number | readonly string[]) {
      set.set(name, Array.isArray(value) ? value.join(', ') : String(value));
      removed.delete(name);
      return response;
    },
    removeHeader(name: string) {
      set.delete(name);
      removed.add(name);
    },
  };
  let finished = false;
  let failure: unknown;
  middleware({} as Request, response as unknown as Response, (error?: unknown) => {
    finished = true;
    failure = error;
  });
  // A middleware that did not finish at once, or failed, depends on the request: it cannot be recorded.
  if (!finished || failure !== undefined) {
    throw new Error(`The security headers could not be computed once: ${String(failure ?? 'not synchronous')}`);
  }
  return { set: [...set], removed: [...removed] };
}
