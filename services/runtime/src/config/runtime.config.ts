import { DockerServiceConfig } from '@slipway/nest-docker';
import { IsBoolean, IsIn, IsInt, IsIP, IsString, IsUrl, Matches, Max, Min } from 'class-validator';

export class RuntimeConfig extends DockerServiceConfig {
  override HTTP_PORT: number = 3003;

  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'] },
    { message: 'CADDY_ADMIN_URL must be an http(s) URL' },
  )
  CADDY_ADMIN_URL: string = 'http://127.0.0.1:2019';

  /** Apps answer on `<app>.<BASE_DOMAIN>`; `localhost` works locally without DNS. */
  @Matches(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, {
    message: 'BASE_DOMAIN must be a host name such as localhost or apps.example.com',
  })
  BASE_DOMAIN: string = 'localhost';

  /** The port Caddy serves apps on, used in the URLs the runtime reports (80 and 443 are left out). */
  @IsInt()
  @Min(1)
  @Max(65535)
  CADDY_HTTP_PORT: number = 8080;

  /**
   * Production: Caddy serves apps over HTTPS on CADDY_HTTPS_PORT with automatic certificates (and
   * redirects CADDY_HTTP_PORT to it); app URLs are https. Off locally.
   */
  @IsBoolean()
  APPS_HTTPS: boolean = false;

  @IsInt()
  @Min(1)
  @Max(65535)
  CADDY_HTTPS_PORT: number = 443;

  /** Where certificates come from with APPS_HTTPS: `acme` (Let's Encrypt) or `internal` (Caddy's own CA). */
  @IsIn(['acme', 'internal'], { message: 'TLS_ISSUER must be acme or internal' })
  TLS_ISSUER: 'acme' | 'internal' = 'acme';

  /** The ACME account's contact address (optional; Let's Encrypt sends expiry notices there). */
  @Matches(/^$|^[^@\s]+@[^@\s]+$/, { message: 'ACME_EMAIL must be an email address' })
  ACME_EMAIL: string = '';

  /** Host ports instances are published on; allocations are persisted. */
  @IsInt()
  @Min(1024)
  @Max(65535)
  HOST_PORT_FROM: number = 20000;

  @IsInt()
  @Min(1024)
  @Max(65535)
  HOST_PORT_TO: number = 29999;

  /**
   * Where instance ports are published on the host. 127.0.0.1 keeps apps reachable only through Caddy; when
   * Caddy and the runtime run in containers themselves (compose), publish on the Docker bridge's gateway
   * (e.g. 172.17.0.1) and set INSTANCE_REACH_HOST to how they reach the host (e.g. host.docker.internal).
   */
  @IsIP(4, { message: 'INSTANCE_BIND_IP must be an IPv4 address' })
  INSTANCE_BIND_IP: string = '127.0.0.1';

  @Matches(/^[A-Za-z0-9.-]+$/, { message: 'INSTANCE_REACH_HOST must be a host name or IPv4 address' })
  INSTANCE_REACH_HOST: string = '127.0.0.1';

  /**
   * Separates the containers of one runtime from another's on a shared Docker Engine (tests, several
   * environments): reconciliation only ever considers containers carrying its own scope label.
   */
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/, { message: 'RUNTIME_SCOPE must be lowercase letters, digits and -' })
  RUNTIME_SCOPE: string = 'default';

  /** Extra labels on every instance, `key=value` comma-separated (tests mark theirs `io.slipway.test=true`). */
  @Matches(/^([a-z0-9.-]+=[^,=]*)?(,[a-z0-9.-]+=[^,=]*)*$/, {
    message: 'EXTRA_CONTAINER_LABELS must be key=value pairs separated by commas',
  })
  EXTRA_CONTAINER_LABELS: string = '';

  @IsInt()
  @Min(32)
  PLAN_STARTER_MEMORY_MB: number = 256;

  /** Thousandths of a core: 500 is half a core. */
  @IsInt()
  @Min(10)
  PLAN_STARTER_MILLICPUS: number = 500;

  @IsInt()
  @Min(32)
  PLAN_PRO_MEMORY_MB: number = 1024;

  @IsInt()
  @Min(10)
  PLAN_PRO_MILLICPUS: number = 2000;

  /** How long replaced instances keep their in-flight requests after the route moved away from them. */
  @IsInt()
  @Min(0)
  @Max(600_000)
  DRAIN_GRACE_MS: number = 2000;

  /** SIGTERM to SIGKILL when an instance is stopped. */
  @IsInt()
  @Min(0)
  @Max(600_000)
  STOP_GRACE_MS: number = 10_000;

  /** Docker restarts a crashed instance this many times (with its own growing delay) before the runtime takes over. */
  @IsInt()
  @Min(0)
  @Max(100)
  RESTART_MAX_RETRIES: number = 5;

  /** Live and retired releases kept per app, images included, for rollback. */
  @IsInt()
  @Min(1)
  @Max(100)
  KEEP_RELEASES_PER_APP: number = 5;

  @IsInt()
  @Min(1000)
  RECONCILE_INTERVAL_MS: number = 30_000;

  @IsInt()
  @Min(500)
  METRICS_INTERVAL_MS: number = 5000;

  /** Samples are averaged into buckets of this length before they are stored. */
  @IsInt()
  @Min(1000)
  METRICS_BUCKET_MS: number = 60_000;

  @IsInt()
  @Min(1)
  METRICS_RETENTION_HOURS: number = 7 * 24;

  /** Keys that open sealed env var values (`<keyId>:<base64 32 bytes>`, comma-separated). */
  @IsString()
  SECRETS_KEYS: string = '';

  @IsString()
  SECRETS_ACTIVE_KEY_ID: string = '';
}
