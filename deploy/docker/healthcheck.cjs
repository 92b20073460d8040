// Health check of a Slipway service container (the image's HEALTHCHECK and docker-compose.yml run it):
// GET /health/ready on the service's own HTTP port with Node's fetch, because slim images have neither
// curl nor wget. Exit 0 when ready; 1 otherwise, printing why (503 bodies name the dependency that is
// down), which `docker inspect --format '{{json .State.Health}}' <container>` shows.
'use strict';

const { fetch, AbortSignal } = globalThis;

/** Each service's default HTTP_PORT (its config class in services/<name>/src/config). */
const DEFAULT_PORTS = { gateway: 3000, apps: 3001, builder: 3002, runtime: 3003, logs: 3004 };
const TIMEOUT_MS = 4000;

function readyUrl(env) {
  const port = env.HTTP_PORT || DEFAULT_PORTS[env.SLIPWAY_SERVICE] || 3000;
  const bound = env.HTTP_HOST || '127.0.0.1';
  // A service bound to every interface answers on loopback.
  const host = bound === '0.0.0.0' || bound === '::' ? '127.0.0.1' : bound;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}/health/ready`;
}

async function check(env) {
  const url = readyUrl(env);
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (response.ok) return 0;
    const body = (await response.text()).slice(0, 1000);
    process.stderr.write(`${url} answered ${response.status}: ${body}\n`);
  } catch (error) {
    process.stderr.write(`${url}: ${error.cause?.message ?? error.message}\n`);
  }
  return 1;
}

if (require.main === module) {
  check(process.env).then((code) => process.exit(code));
}

module.exports = { DEFAULT_PORTS, readyUrl };
