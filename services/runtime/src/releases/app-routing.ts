import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { HealthCheckSpec } from '@slipway/contracts';
import { Model } from 'mongoose';
import { RuntimeConfig } from '../config/runtime.config';
import { CaddyRoutes } from '../routing/caddy-routes';
import { RouteSpec } from '../routing/app-route';
import { PersistedRoute, RuntimeApp } from '../state/schemas/runtime-app.schema';

/**
 * An app's route: stored first in the runtime's database (the desired state reconciliation rebuilds Caddy
 * from), then applied to Caddy through its admin API.
 */
@Injectable()
export class AppRouting {
  constructor(
    @InjectModel(RuntimeApp.name) private readonly apps: Model<RuntimeApp>,
    private readonly caddy: CaddyRoutes,
    private readonly config: RuntimeConfig,
  ) {}

  hostsFor(app: { appName: string; domains: string[] }): string[] {
    return [
      ...new Set([`${app.appName}.${this.config.BASE_DOMAIN}`, ...app.domains.map((d) => d.toLowerCase())]),
    ];
  }

  urlFor(appName: string): string {
    const scheme = this.config.APPS_HTTPS ? 'https' : 'http';
    const port = this.config.APPS_HTTPS ? this.config.CADDY_HTTPS_PORT : this.config.CADDY_HTTP_PORT;
    const defaultPort = this.config.APPS_HTTPS ? 443 : 80;
    return `${scheme}://${appName}.${this.config.BASE_DOMAIN}${port === defaultPort ? '' : `:${port}`}`;
  }

  /** Caddy polls this path on every upstream when the app has an HTTP health check. */
  healthPathFor(spec: HealthCheckSpec): string | null {
    return spec.kind === 'http' ? (spec.path ?? '/') : null;
  }

  proxyRoute(
    app: { appName: string; domains: string[] },
    upstreams: string[],
    healthPath: string | null,
  ): PersistedRoute {
    return { hosts: this.hostsFor(app), upstreams, healthPath, stopped: false };
  }

  stoppedRoute(app: { appName: string; domains: string[] }): PersistedRoute {
    return { hosts: this.hostsFor(app), upstreams: [], healthPath: null, stopped: true };
  }

  /** Records the route (with any other app fields given) and applies it to Caddy. */
  async apply(
    app: { appId: string; appName: string },
    route: PersistedRoute,
    alsoSet: Partial<RuntimeApp> = {},
  ): Promise<void> {
    await this.apps.updateOne({ appId: app.appId }, { $set: { route, ...alsoSet } }).exec();
    await this.applyToCaddy(app.appName, route);
  }

  /**
   * A release's switch: records the route and changes Caddy at the same time, to save a database round trip
   * before the first request. Safe because the previous instances keep serving until the caller drains them
   * after this succeeds: if the runtime stops in between, reconciliation applies whichever route was recorded,
   * and both point at running instances. On failure the caller puts the previous route back in both.
   */
  async switchTo(
    app: { appId: string; appName: string },
    route: PersistedRoute,
    alsoSet: Partial<RuntimeApp>,
  ): Promise<void> {
    await Promise.all([
      this.apps.updateOne({ appId: app.appId }, { $set: { route, ...alsoSet } }).exec(),
      this.applyToCaddy(app.appName, route),
    ]);
  }

  async applyToCaddy(appName: string, route: PersistedRoute): Promise<void> {
    if (route.stopped) await this.caddy.setAppStopped(appName, route.hosts);
    else await this.caddy.upsertAppRoute(this.toSpec(appName, route));
  }

  async remove(appName: string): Promise<void> {
    await this.caddy.removeAppRoute(appName);
  }

  toSpec(appName: string, route: PersistedRoute): RouteSpec {
    return {
      appName,
      hosts: route.hosts,
      upstreams: route.upstreams,
      ...(route.healthPath ? { healthPath: route.healthPath } : {}),
      ...(route.stopped ? { stopped: true } : {}),
    };
  }
}
