import { Inject, Injectable } from '@nestjs/common';
import {
  appNameOfRouteId,
  appRouteId,
  buildProxyRoute,
  buildStoppedRoute,
  CaddyRoute,
  RouteSpec,
} from './app-route';
import { adminRequest, AdminResponse } from '../caddy/caddy-admin.client';
import { RoutingError } from './routing-error';

export interface CaddyRoutesOptions {
  /** Caddy's admin API, e.g. http://127.0.0.1:2019. */
  adminUrl: string;
  /** Apps answer on `<app>.<baseDomain>` unless given hosts. Default `localhost`. */
  baseDomain?: string;
  /** The Caddy server that carries the apps (deploy/caddy/base-config.json). Default `slipway`. */
  serverName?: string;
  /** Per admin API request. Default 5 s. */
  timeoutMs?: number;
}

/** An app route as found in Caddy. */
export interface AppRoute {
  appName: string;
  hosts: string[];
  /** Upstreams it proxies to; empty when the app is stopped. */
  upstreams: string[];
  stopped: boolean;
}

export interface SyncResult {
  added: string[];
  replaced: string[];
  removed: string[];
}

/** Options token for Nest: provide `{ provide: CADDY_ROUTES_OPTIONS, useValue/useFactory }`. */
/** Automatic HTTPS for the apps' server (production): Caddy gets and renews a certificate per host. */
export interface CaddyHttpsOptions {
  httpsPort: number;
  /** Where Caddy redirects plain HTTP from (to HTTPS). */
  httpPort: number;
  /** `acme` (Let's Encrypt, production) or `internal` (Caddy's own CA: tests, private networks). */
  issuer: 'acme' | 'internal';
  /** The ACME account's contact address (certificate expiry notices). */
  acmeEmail?: string;
}

export const CADDY_ROUTES_OPTIONS = Symbol('CADDY_ROUTES_OPTIONS');

/**
 * The apps' routes in Caddy, changed only through its admin API (contract: deploy/caddy/README.md).
 * One route per app, `@id` `app-<name>`, always before the catch-all 404 route. Changes made through one
 * instance are serialised, so two concurrent upserts of a new app cannot insert it twice.
 */
@Injectable()
export class CaddyRoutes {
  private readonly adminUrl: string;
  private readonly baseDomain: string;
  private readonly routesPath: string;
  private readonly timeoutMs: number;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(@Inject(CADDY_ROUTES_OPTIONS) options: CaddyRoutesOptions) {
    this.adminUrl = options.adminUrl.replace(/\/+$/, '');
    this.baseDomain = options.baseDomain ?? 'localhost';
    this.routesPath = `/config/apps/http/servers/${encodeURIComponent(options.serverName ?? 'slipway')}/routes`;
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  /**
   * Turns the apps' server into an HTTPS server with Caddy's automatic certificates, unless it already is
   * one: listening on `httpsPort`, redirecting `httpPort` to it, certificates from the chosen issuer. The
   * base config (deploy/caddy/base-config.json) is plain HTTP for local use; this runs at every
   * reconciliation, so a Caddy restarted with only its base config becomes HTTPS again.
   */
  async ensureHttps(https: CaddyHttpsOptions): Promise<'unchanged' | 'applied'> {
    return this.serialised(async () => {
      const serverPath = this.routesPath.replace(/\/routes$/, '');
      const current = await this.request('GET', serverPath);
      this.ensureOk(current, 'read the apps server');
      const server = JSON.parse(current.body) as {
        listen?: string[];
        automatic_https?: { disable?: boolean };
      };
      const listen = [`:${https.httpsPort}`];
      if (JSON.stringify(server.listen) === JSON.stringify(listen) && !server.automatic_https?.disable) {
        return 'unchanged';
      }
      const issuer =
        https.issuer === 'internal'
          ? { module: 'internal' }
          : { module: 'acme', ...(https.acmeEmail ? { email: https.acmeEmail } : {}) };
      // Certificates first, then the server: when the server starts serving TLS, Caddy knows where to get them.
      this.ensureOk(
        await this.request('POST', '/config/apps/pki', {
          certificate_authorities: { local: { install_trust: false } },
        }),
        'configure its local certificate authority',
      );
      this.ensureOk(
        await this.request('POST', '/config/apps/tls', { automation: { policies: [{ issuers: [issuer] }] } }),
        'configure certificate automation',
      );
      const http = JSON.parse((await this.request('GET', '/config/apps/http')).body) as Record<
        string,
        unknown
      > & {
        servers: Record<string, Record<string, unknown>>;
      };
      const serverName = decodeURIComponent(serverPath.split('/').pop() ?? 'slipway');
      const updated = {
        ...http,
        http_port: https.httpPort,
        https_port: https.httpsPort,
        servers: {
          ...http.servers,
          [serverName]: { ...http.servers[serverName], listen, automatic_https: { disable: false } },
        },
      };
      this.ensureOk(
        await this.request('PATCH', '/config/apps/http', updated),
        'switch the apps server to HTTPS',
      );
      return 'applied';
    });
  }

  /** Creates the app's route before the catch-all, or replaces it in place (one atomic config change). */
  async upsertAppRoute(spec: RouteSpec): Promise<void> {
    const route = buildProxyRoute(spec, this.baseDomain);
    return this.serialised(() => this.putRoute(spec.appName, route));
  }

  /** The app's hosts answer 503 with a page saying the app is stopped. */
  async setAppStopped(appName: string, hosts?: string[]): Promise<void> {
    const route = buildStoppedRoute(appName, hosts, this.baseDomain);
    return this.serialised(() => this.putRoute(appName, route));
  }

  /** Removes the app's route; removing a route that is not there is fine. */
  async removeAppRoute(appName: string): Promise<void> {
    const id = appRouteId(appName);
    return this.serialised(async () => {
      // Caddy accepts duplicate @ids; delete until none is left so no stale copy keeps routing.
      for (let attempt = 0; attempt < 100; attempt++) {
        const response = await this.request('DELETE', `/id/${id}`);
        if (response.status === 404) return;
        this.ensureOk(response, `remove the route of app "${appName}"`);
      }
      throw new RoutingError(`Could not remove the route of app "${appName}": it kept reappearing.`);
    });
  }

  /** The app routes Caddy has now, in routing order. */
  async listAppRoutes(): Promise<AppRoute[]> {
    const routes = await this.readRoutes();
    return routes.flatMap((route) => {
      const appName = appNameOfRouteId(route['@id']);
      return appName === undefined ? [] : [describe(appName, route)];
    });
  }

  /**
   * Makes Caddy's app routes exactly `desired` in one config change: adds the missing, replaces the changed,
   * removes app routes not listed. Other routes (the catch-all) keep their order, after the app routes.
   * This is what reconciliation calls after Caddy restarted with only the base config.
   */
  async syncAll(desired: RouteSpec[]): Promise<SyncResult> {
    const wanted = new Map<string, CaddyRoute>();
    for (const spec of desired) {
      if (wanted.has(spec.appName)) {
        throw new RoutingError(`App "${spec.appName}" appears twice in the routes to sync.`);
      }
      wanted.set(
        spec.appName,
        spec.stopped === true
          ? buildStoppedRoute(spec.appName, spec.hosts, this.baseDomain)
          : buildProxyRoute(spec, this.baseDomain),
      );
    }
    return this.serialised(async () => {
      const current = await this.readRoutes();
      const existing = new Map<string, CaddyRoute[]>();
      const others: CaddyRoute[] = [];
      for (const route of current) {
        const appName = appNameOfRouteId(route['@id']);
        if (appName === undefined) others.push(route);
        else existing.set(appName, [...(existing.get(appName) ?? []), route]);
      }
      const result: SyncResult = { added: [], replaced: [], removed: [] };
      for (const [appName, route] of wanted) {
        const found = existing.get(appName);
        if (found === undefined) result.added.push(appName);
        else if (found.length !== 1 || !sameJson(found[0], route)) result.replaced.push(appName);
      }
      result.removed = [...existing.keys()].filter((appName) => !wanted.has(appName));
      const next = [
        ...[...wanted.keys()].sort().map((appName) => wanted.get(appName) as CaddyRoute),
        ...others,
      ];
      const appOrderChanged = !sameJson(
        current.filter((route) => appNameOfRouteId(route['@id']) !== undefined),
        next.slice(0, wanted.size),
      );
      if (result.added.length + result.replaced.length + result.removed.length > 0 || appOrderChanged) {
        const response = await this.request('PATCH', this.routesPath, next);
        this.ensureOk(response, 'replace the app routes');
      }
      return result;
    });
  }

  private async putRoute(appName: string, route: CaddyRoute): Promise<void> {
    const id = appRouteId(appName);
    const found = await this.request('GET', `/id/${id}`);
    if (found.status === 404) {
      // PUT on an array index inserts there; index 0 is before the catch-all.
      const response = await this.request('PUT', `${this.routesPath}/0`, route);
      this.ensureOk(response, `add the route of app "${appName}"`);
      return;
    }
    this.ensureOk(found, `find the route of app "${appName}"`);
    // PATCH replaces in place. (PUT /id/<id> would insert a second route with the same @id.)
    const response = await this.request('PATCH', `/id/${id}`, route);
    this.ensureOk(response, `replace the route of app "${appName}"`);
  }

  private async readRoutes(): Promise<CaddyRoute[]> {
    const response = await this.request('GET', this.routesPath);
    this.ensureOk(response, 'read the routes');
    const routes: unknown = JSON.parse(response.body);
    if (!Array.isArray(routes)) {
      throw new RoutingError(
        `Caddy has no routes at ${this.routesPath}: is its base config (deploy/caddy/base-config.json) loaded?`,
      );
    }
    return routes as CaddyRoute[];
  }

  private async request(method: string, path: string, body?: unknown): Promise<AdminResponse> {
    try {
      return await adminRequest(
        new URL(`${this.adminUrl}${path}`),
        method,
        body === undefined ? undefined : JSON.stringify(body),
        this.timeoutMs,
      );
    } catch (error) {
      throw new RoutingError(
        `Caddy's admin API at ${this.adminUrl} did not answer ${method} ${path}: ${(error as Error).message}.`,
      );
    }
  }

  /** Throws a RoutingError with Caddy's own message unless the response is 2xx. */
  private ensureOk(response: AdminResponse, what: string): void {
    if (response.status >= 200 && response.status < 300) return;
    let reason = response.body.trim();
    try {
      const parsed = JSON.parse(response.body) as { error?: unknown };
      if (typeof parsed.error === 'string') reason = parsed.error;
    } catch {
      // not JSON: keep the text as it is
    }
    throw new RoutingError(
      `Caddy refused to ${what}: HTTP ${response.status}${reason === '' ? '' : `, "${reason}"`}.`,
      response.status,
    );
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function describe(appName: string, route: CaddyRoute): AppRoute {
  const handler = route.handle?.[0];
  const upstreams = Array.isArray(handler?.['upstreams'])
    ? (handler['upstreams'] as { dial?: unknown }[]).flatMap((u) =>
        typeof u.dial === 'string' ? [u.dial] : [],
      )
    : [];
  return {
    appName,
    hosts: route.match?.flatMap((m) => m.host ?? []) ?? [],
    upstreams,
    stopped: handler?.['handler'] === 'static_response',
  };
}

/** Compares JSON the way Caddy stores it (object keys sorted). */
function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y)),
        )
      : v,
  );
}
