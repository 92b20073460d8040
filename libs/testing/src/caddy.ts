import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { ManagedProcess, waitUntilReady } from './processes';
import { freePorts } from './ports';
import { repoRoot } from './repo';
import { makeTempDir, removeTempDir } from './temp-dirs';
import { waitForHttpOk, waitForTcp } from './wait';

export interface StartCaddyOptions {
  /** Also write Caddy's output to `<logDir>/caddy.log`. */
  logDir?: string;
  /** The caddy binary. Default: env CADDY_BIN, else `caddy` from PATH. */
  binary?: string;
  /** How long to wait for the admin API and the apps' port. Default 15 s. */
  timeoutMs?: number;
}

export interface StartedCaddy {
  /** Admin API, e.g. http://127.0.0.1:41237 (what the runtime service gets as CADDY_ADMIN_URL). */
  adminUrl: string;
  /** The port apps are served on (any host name; send `Host: <app>.localhost`). */
  httpPort: number;
  process: ManagedProcess;
  /** Stops Caddy and deletes its state directory. */
  stop(): Promise<void>;
}

/**
 * The base config from deploy/caddy/base-config.json, the same one `npm run up` loads: an HTTP server
 * `slipway` and a catch-all 404 route. The admin address must be part of it because loading a config replaces
 * all of Caddy's config, admin address included.
 */
export async function renderCaddyBaseConfig(httpPort: number, adminListen: string): Promise<string> {
  const template = await readFile(join(repoRoot(), 'deploy', 'caddy', 'base-config.json'), 'utf8');
  const rendered = template
    .replaceAll('__CADDY_HTTP_PORT__', String(httpPort))
    .replaceAll('__CADDY_ADMIN_LISTEN__', adminListen);
  JSON.parse(rendered); // fail here, with a clear stack, if the template is broken
  return rendered;
}

/** Starts a private Caddy with its admin API and HTTP server on free ports and the base config loaded. */
export async function startCaddy(options: StartCaddyOptions = {}): Promise<StartedCaddy> {
  const [adminPort, httpPort] = await freePorts(2);
  const adminListen = `127.0.0.1:${adminPort}`;
  const adminUrl = `http://${adminListen}`;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const stateDir = await makeTempDir('slipway-caddy-');
  try {
    // Started with the whole base config (admin address included: Caddy 2.6 has no flag for it) rather than
    // loading it through the admin API: a load that sets the admin address replaces the admin server, which
    // drops the connection a client keeps to it, and the next request on it fails ("other side closed").
    const bootstrapConfig = join(stateDir, 'bootstrap.json');
    await writeFile(bootstrapConfig, await renderCaddyBaseConfig(httpPort, adminListen));
    await mkdir(join(stateDir, 'data'));
    await mkdir(join(stateDir, 'config'));
    const server = await ManagedProcess.start({
      name: 'caddy',
      command: options.binary ?? process.env['CADDY_BIN'] ?? 'caddy',
      args: ['run', '--config', bootstrapConfig],
      // Private certificate storage and autosave location: nothing shared with another Caddy on the machine.
      env: { XDG_DATA_HOME: join(stateDir, 'data'), XDG_CONFIG_HOME: join(stateDir, 'config') },
      logDir: options.logDir,
    });
    await waitUntilReady(server, async () => {
      await waitForHttpOk(`${adminUrl}/config/`, timeoutMs);
      await waitForTcp('127.0.0.1', httpPort, timeoutMs);
    });
    const stop = async (): Promise<void> => {
      await server.stop();
      await removeTempDir(stateDir);
    };
    return { adminUrl, httpPort, process: server, stop };
  } catch (error) {
    await removeTempDir(stateDir);
    throw error;
  }
}
