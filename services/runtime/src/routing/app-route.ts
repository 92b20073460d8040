import { RoutingError } from './routing-error';

/** What Caddy should do for one app: proxy its hosts to its instances. */
export interface RouteSpec {
  appName: string;
  /** Host names the app answers on. Default: `<appName>.<baseDomain>`. */
  hosts?: string[];
  /** The app's instances, `host:port` (e.g. `127.0.0.1:41234`). Several are load-balanced round robin. */
  upstreams: string[];
  /** When set, Caddy also polls this path on every upstream and skips those that do not answer 2xx. */
  healthPath?: string;
  /** For `syncAll`: the app is stopped, its hosts answer 503 with a page (upstreams are ignored). */
  stopped?: boolean;
}

/** Every app route's `@id` starts with this; other routes (the catch-all) are never touched. */
export const APP_ROUTE_ID_PREFIX = 'app-';

/** How long a request keeps trying other upstreams when one cannot be reached. */
export const UPSTREAM_TRY_DURATION = '5s';
/**
 * How long an upstream that could not be reached is left out of the rotation: shorter than the try duration, so
 * a request to an app whose only instance is restarting waits for it instead of failing.
 */
export const UPSTREAM_FAIL_DURATION = '3s';

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const UPSTREAM = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\]):(\d{1,5})$/;

/** A Caddy route as JSON (only the fields Slipway writes or reads). */
export interface CaddyRoute {
  '@id'?: string;
  match?: { host?: string[] }[];
  handle?: Record<string, unknown>[];
  terminal?: boolean;
}

/** App names are DNS labels, so they can be used in host names and in admin API paths without escaping. */
export function assertAppName(appName: string): void {
  if (!DNS_LABEL.test(appName)) {
    throw new RoutingError(
      `App name "${appName}" is not valid for routing: use 1 to 63 lowercase letters, digits or hyphens, ` +
        'starting and ending with a letter or digit.',
    );
  }
}

/** Lower-cases a host name and checks it is made of DNS labels (no port, scheme, path or wildcard). */
export function normalizeHost(host: string): string {
  const normalized = host.toLowerCase();
  const labels = normalized.split('.');
  if (normalized.length > 253 || !labels.every((label) => DNS_LABEL.test(label))) {
    throw new RoutingError(
      `Host "${host}" is not a valid host name: use dot-separated labels of lowercase letters, digits or ` +
        'hyphens, without a port, scheme or path.',
    );
  }
  return normalized;
}

export function assertUpstream(upstream: string): void {
  const port = UPSTREAM.exec(upstream)?.[1];
  if (port === undefined || Number(port) < 1 || Number(port) > 65_535) {
    throw new RoutingError(`Upstream "${upstream}" is not valid: expected host:port, e.g. 127.0.0.1:41234.`);
  }
}

export function assertHealthPath(path: string): string {
  if (!/^\/[A-Za-z0-9._~!$&'()*+,;=:@/?%-]*$/.test(path)) {
    throw new RoutingError(`Health path "${path}" is not valid: expected an absolute path such as /healthz.`);
  }
  return path;
}

export function appRouteId(appName: string): string {
  assertAppName(appName);
  return `${APP_ROUTE_ID_PREFIX}${appName}`;
}

/** The app name of an app route's `@id`, or undefined for any other route. */
export function appNameOfRouteId(id: string | undefined): string | undefined {
  return id?.startsWith(APP_ROUTE_ID_PREFIX) ? id.slice(APP_ROUTE_ID_PREFIX.length) : undefined;
}

export function resolveHosts(appName: string, hosts: string[] | undefined, baseDomain: string): string[] {
  assertAppName(appName);
  const chosen = hosts !== undefined && hosts.length > 0 ? hosts : [`${appName}.${baseDomain}`];
  return [...new Set(chosen.map(normalizeHost))];
}

/** The route that proxies an app's hosts to its upstreams. */
export function buildProxyRoute(spec: RouteSpec, baseDomain: string): CaddyRoute {
  const id = appRouteId(spec.appName);
  const hosts = resolveHosts(spec.appName, spec.hosts, baseDomain);
  if (spec.upstreams.length === 0) {
    throw new RoutingError(
      `App "${spec.appName}" has no upstream to route to; stop its route instead of proxying to nothing.`,
    );
  }
  spec.upstreams.forEach(assertUpstream);
  return {
    '@id': id,
    match: [{ host: hosts }],
    handle: [
      {
        handler: 'reverse_proxy',
        upstreams: [...new Set(spec.upstreams)].map((dial) => ({ dial })),
        load_balancing: {
          selection_policy: { policy: 'round_robin' },
          // A request whose upstream cannot be reached is retried on another one instead of failing.
          try_duration: UPSTREAM_TRY_DURATION,
          try_interval: '100ms',
        },
        health_checks: {
          passive: { fail_duration: UPSTREAM_FAIL_DURATION, max_fails: 1 },
          ...(spec.healthPath === undefined
            ? {}
            : { active: { uri: assertHealthPath(spec.healthPath), interval: '5s', timeout: '2s' } }),
        },
      },
    ],
    terminal: true,
  };
}

/** The route that answers a stopped app's hosts with 503 and a page that says so. */
export function buildStoppedRoute(
  appName: string,
  hosts: string[] | undefined,
  baseDomain: string,
): CaddyRoute {
  const id = appRouteId(appName);
  return {
    '@id': id,
    match: [{ host: resolveHosts(appName, hosts, baseDomain) }],
    handle: [
      {
        handler: 'static_response',
        status_code: 503,
        headers: { 'Content-Type': ['text/html; charset=utf-8'], 'Cache-Control': ['no-store'] },
        body: stoppedPage(appName),
      },
    ],
    terminal: true,
  };
}

function stoppedPage(appName: string): string {
  // appName is a validated DNS label: nothing in it needs HTML escaping.
  return (
    '<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8">' +
    `<title>${appName} is stopped - Slipway</title>\n` +
    '<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}</style>' +
    '</head>\n<body>\n' +
    `<h1>${appName} is stopped</h1>\n` +
    '<p>Its owner has stopped this app. It will answer here again once it is started from the Slipway portal.</p>\n' +
    '</body>\n</html>\n'
  );
}
