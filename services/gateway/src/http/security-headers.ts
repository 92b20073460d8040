import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * The only inline script the portal has: Angular's build loads the stylesheet with
 * `<link media="print" onload="this.media='all'">`. Its hash allows exactly that handler and nothing else.
 */
const PORTAL_STYLESHEET_ONLOAD = "'sha256-MhtPZXr7+LpJUY5qtMutB+qWfQtMaPccfe7QXtCcEYc='";

/**
 * helmet's headers with a Content-Security-Policy that the Angular portal and the Swagger UI (/api/docs)
 * both work under: scripts only from this origin, inline styles allowed (Angular and Swagger UI inject
 * them), images from this origin and data: URLs, no plugins, no framing by other sites.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
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
  });
}
