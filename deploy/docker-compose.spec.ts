// docker-compose.yml cannot be started on CI machines (no image registry), so these checks keep it correct
// by reading it: the production shape, health-gated start-up, images built from our Dockerfile, no secrets,
// and every file it points at present. Fast: no Docker, no network.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const ROOT = resolve(__dirname, '..');
const SERVICE_DOCKERFILE = 'deploy/docker/service.Dockerfile';
const SLIPWAY_NAMES = ['gateway', 'apps', 'builder', 'runtime', 'logs'];
const SECRET_KEY = /SECRET|TOKEN|PASSWORD|KEY/i;
/** A whole value that is one `${VAR}` / `${VAR:?message}` interpolation, without a literal default. */
const REQUIRED_INTERPOLATION = /^\$\{[A-Za-z_][A-Za-z0-9_]*(:?\?[^}]*)?\}$/;

interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string; args?: Record<string, string> };
  environment?: Record<string, string | number | boolean | null> | string[];
  healthcheck?: { test?: string[] | string; disable?: boolean };
  depends_on?: Record<string, { condition?: string }> | string[];
  volumes?: (string | { type?: string; source?: string; target?: string })[];
  init?: boolean;
  group_add?: string[];
  [key: string]: unknown;
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
// Compose resolves `<<` merge keys (YAML 1.1); the yaml package does with `merge: true`.
const compose = parse(read('docker-compose.yml'), { merge: true }) as ComposeFile;
const services = Object.entries(compose.services);

function environmentOf(service: ComposeService): Record<string, string> {
  const { environment } = service;
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      environment.map((entry) => {
        const [key = '', ...value] = entry.split('=');
        return [key, value.join('=')];
      }),
    );
  }
  return Object.fromEntries(Object.entries(environment ?? {}).map(([key, value]) => [key, String(value)]));
}

function bindMountSources(service: ComposeService): string[] {
  return (service.volumes ?? [])
    .map((volume) => (typeof volume === 'string' ? volume.split(':')[0] : volume.source))
    .filter((source): source is string => source !== undefined);
}

/**
 * The HTTP_PORT default a service's config class declares. Read from the source rather than imported: the
 * config classes pull in NestJS, dockerode and terminus, which would make this test slow.
 */
function configuredPort(service: string): number {
  const source = read(`services/${service}/src/config/${service}.config.ts`);
  const port = /^\s*(?:override\s+)?HTTP_PORT: number = ([\d_]+);$/m.exec(source)?.[1];
  if (port === undefined)
    throw new Error(`services/${service}/src/config/${service}.config.ts sets no HTTP_PORT`);
  return Number(port.replaceAll('_', ''));
}

const isRelativePath = (source: string) => source.startsWith('./') || source.startsWith('../');

// The image's health check script, loaded as the image runs it (plain CommonJS, outside the TS build).
const healthcheck = createRequire(__filename)(join(ROOT, 'deploy/docker/healthcheck.cjs')) as {
  DEFAULT_PORTS: Record<string, number>;
  readyUrl(env: Record<string, string | undefined>): string;
};

describe('docker-compose.yml', () => {
  it('resolves every YAML merge key', () => {
    expect(JSON.stringify(compose)).not.toContain('"<<"');
  });

  it('runs the five Slipway services, MongoDB, NATS, Caddy and a tracing backend', () => {
    const names = Object.keys(compose.services);
    expect(names).toEqual(expect.arrayContaining([...SLIPWAY_NAMES, 'mongo', 'nats', 'caddy']));
    expect(compose.services['mongo']?.image).toMatch(/^mongo:7/);
    expect(compose.services['nats']?.image).toMatch(/^nats:2\.10-alpine/);
    expect(compose.services['caddy']?.image).toMatch(/^caddy:2/);
    const tracing = services.filter(([, service]) =>
      /jaegertracing\/|opentelemetry-collector/.test(service.image ?? ''),
    );
    expect(tracing.map(([name]) => name)).not.toHaveLength(0);
  });

  it.each(services)('gives %s a health check', (_name, service) => {
    expect(service.healthcheck?.disable).not.toBe(true);
    expect(service.healthcheck?.test).toBeDefined();
    expect(service.healthcheck?.test?.length).toBeGreaterThan(0);
  });

  it.each(services)('starts %s only after its dependencies are healthy', (_name, service) => {
    const dependsOn = service.depends_on ?? {};
    // The short (list) form cannot say service_healthy.
    expect(Array.isArray(dependsOn)).toBe(false);
    for (const [dependency, options] of Object.entries(dependsOn)) {
      expect({ dependency, condition: options.condition }).toEqual({
        dependency,
        condition: 'service_healthy',
      });
      expect(compose.services[dependency]?.healthcheck?.test).toBeDefined();
    }
  });

  it('starts every Slipway service after MongoDB and NATS, and the runtime after Caddy too', () => {
    for (const name of SLIPWAY_NAMES) {
      expect(Object.keys(compose.services[name]?.depends_on ?? {})).toEqual(
        expect.arrayContaining(['mongo', 'nats']),
      );
    }
    expect(Object.keys(compose.services['runtime']?.depends_on ?? {})).toContain('caddy');
  });

  it('builds each Slipway service from the shared Dockerfile with its own SERVICE', () => {
    const dockerfile = read(SERVICE_DOCKERFILE);
    expect(dockerfile).toMatch(/^ARG SERVICE$/m);
    for (const name of SLIPWAY_NAMES) {
      const { build, init } = compose.services[name] ?? {};
      expect({
        name,
        context: build?.context,
        dockerfile: build?.dockerfile,
        SERVICE: build?.args?.['SERVICE'],
      }).toEqual({ name, context: '.', dockerfile: SERVICE_DOCKERFILE, SERVICE: name });
      expect({ name, init }).toEqual({ name, init: true });
    }
  });

  it('gives every Slipway service the shared environment, listening on all interfaces', () => {
    for (const name of SLIPWAY_NAMES) {
      const env = environmentOf(compose.services[name] ?? {});
      expect(env['NATS_URL']).toBe('nats://nats:4222');
      expect(env['MONGO_URL']).toMatch(/^mongodb:\/\/.*@mongo:27017\//);
      expect(env['OTEL_EXPORTER_OTLP_ENDPOINT']).toMatch(/^http:\/\/[a-z-]+:4318$/);
      expect(env['HTTP_HOST']).toBe('0.0.0.0');
    }
  });

  it("sets each service's HTTP_PORT to its config default, which the image's health check also knows", () => {
    for (const name of SLIPWAY_NAMES) {
      const configDefault = configuredPort(name);
      expect({ name, port: environmentOf(compose.services[name] ?? {})['HTTP_PORT'] }).toEqual({
        name,
        port: String(configDefault),
      });
      expect({ name, port: healthcheck.DEFAULT_PORTS[name] }).toEqual({ name, port: configDefault });
    }
  });

  it('points the runtime at Caddy’s admin API and gives only builder and runtime the Docker socket', () => {
    const caddyAdmin = environmentOf(compose.services['runtime'] ?? {})['CADDY_ADMIN_URL'];
    expect(caddyAdmin).toBe('http://caddy:2019');
    for (const [name, service] of services) {
      const mountsSocket = bindMountSources(service).includes('/var/run/docker.sock');
      expect({ name, mountsSocket }).toEqual({
        name,
        mountsSocket: name === 'builder' || name === 'runtime',
      });
    }
  });

  it.each(services)('keeps secrets out of the environment of %s', (_name, service) => {
    const values = { ...environmentOf(service), ...(service.build?.args ?? {}) };
    for (const [key, value] of Object.entries(values)) {
      if (SECRET_KEY.test(key))
        expect({ key, value }).toEqual({ key, value: expect.stringMatching(REQUIRED_INTERPOLATION) });
      // Credentials inside URLs (mongodb://user:password@host) come from interpolation as well.
      const password = /^[a-z][a-z0-9+.-]*:\/\/[^/:@]+:([^@]*)@/i.exec(value)?.[1];
      if (password !== undefined) {
        expect({ key, password }).toEqual({ key, password: expect.stringMatching(REQUIRED_INTERPOLATION) });
      }
    }
  });

  it.each(services)('refers only to files that exist from %s', (_name, service) => {
    if (service.build) {
      const context = service.build.context ?? '.';
      expect(existsSync(join(ROOT, context, service.build.dockerfile ?? 'Dockerfile'))).toBe(true);
    }
    for (const source of bindMountSources(service).filter(isRelativePath)) {
      expect({ source, exists: existsSync(join(ROOT, source)) }).toEqual({ source, exists: true });
    }
  });

  it('declares every named volume it mounts', () => {
    const declared = Object.keys(compose.volumes ?? {});
    for (const [, service] of services) {
      for (const source of bindMountSources(service)) {
        if (!isRelativePath(source) && !source.startsWith('/')) expect(declared).toContain(source);
      }
    }
  });
});

describe('Caddy config for compose (deploy/caddy/compose.caddy.json)', () => {
  const mounted = bindMountSources(compose.services['caddy'] ?? {}).find((source) =>
    source.endsWith('.json'),
  );
  const config = JSON.parse(read('deploy/caddy/compose.caddy.json')) as {
    admin: { listen: string };
    apps: { http: { servers: { slipway: { listen: string[]; routes: { '@id'?: string }[] } } } };
  };

  it('is the file the caddy service loads', () => {
    expect(mounted).toBe('./deploy/caddy/compose.caddy.json');
    expect(compose.services['caddy']?.['command']).toEqual(expect.arrayContaining(['run', '--config']));
  });

  it('is the shared base config rendered for compose, catch-all 404 included', () => {
    const rendered = read('deploy/caddy/base-config.json')
      .replaceAll('__CADDY_HTTP_PORT__', '80')
      .replaceAll('__CADDY_ADMIN_LISTEN__', '0.0.0.0:2019');
    expect(config).toEqual(JSON.parse(rendered));
    expect(config.apps.http.servers.slipway.routes.at(-1)?.['@id']).toBe('slipway-catch-all-404');
  });

  it('opens the admin API to the compose network, where the runtime reaches it', () => {
    // A wildcard listener also turns off Caddy's Host check, which would refuse Host "caddy:2019".
    expect(config.admin.listen).toBe('0.0.0.0:2019');
    expect(compose.services['caddy']?.['ports']).not.toEqual(
      expect.arrayContaining([expect.stringContaining('2019')]),
    );
  });
});

describe('image health check (deploy/docker/healthcheck.cjs)', () => {
  it("asks the service's own port on loopback when it listens on every interface", () => {
    expect(healthcheck.readyUrl({ HTTP_HOST: '0.0.0.0', SLIPWAY_SERVICE: 'runtime' })).toBe(
      'http://127.0.0.1:3003/health/ready',
    );
    expect(
      healthcheck.readyUrl({ HTTP_HOST: '0.0.0.0', HTTP_PORT: '4000', SLIPWAY_SERVICE: 'runtime' }),
    ).toBe('http://127.0.0.1:4000/health/ready');
    expect(healthcheck.readyUrl({ HTTP_HOST: '::1', SLIPWAY_SERVICE: 'gateway' })).toBe(
      'http://[::1]:3000/health/ready',
    );
  });

  it('is what the image runs, from where compose expects it', () => {
    const dockerfile = read(SERVICE_DOCKERFILE);
    expect(dockerfile).toContain('COPY deploy/docker/healthcheck.cjs ./healthcheck.cjs');
    expect(dockerfile).toMatch(/^WORKDIR \/app$/m);
    for (const name of SLIPWAY_NAMES) {
      expect(compose.services[name]?.healthcheck?.test).toEqual(['CMD', 'node', '/app/healthcheck.cjs']);
    }
  });
});
