import { ManagedProcess, waitUntilReady } from './processes';
import { freePorts } from './ports';
import { makeTempDir, removeTempDir } from './temp-dirs';
import { waitForHttpOk } from './wait';

export interface StartNatsOptions {
  /** Also write the server's output to `<logDir>/nats.log`. */
  logDir?: string;
  /** The nats-server binary. Default: env NATS_SERVER_BIN, else `nats-server` from PATH. */
  binary?: string;
  /** How long to wait for the server to be healthy. Default 15 s. */
  timeoutMs?: number;
}

export interface StartedNats {
  /** Client URL, e.g. nats://127.0.0.1:41234 */
  url: string;
  /** HTTP monitoring endpoint, e.g. http://127.0.0.1:41235 */
  monitorUrl: string;
  process: ManagedProcess;
  /** Stops the server and deletes its JetStream store. */
  stop(): Promise<void>;
}

/** Starts a private NATS server with JetStream on free ports, its store in a fresh temp dir. */
export async function startNats(options: StartNatsOptions = {}): Promise<StartedNats> {
  const [port, monitorPort] = await freePorts(2);
  const storeDir = await makeTempDir('slipway-nats-');
  const url = `nats://127.0.0.1:${port}`;
  const monitorUrl = `http://127.0.0.1:${monitorPort}`;
  try {
    const server = await ManagedProcess.start({
      name: 'nats',
      command: options.binary ?? process.env['NATS_SERVER_BIN'] ?? 'nats-server',
      args: ['-js', '-a', '127.0.0.1', '-p', String(port), '-m', String(monitorPort), '-sd', storeDir],
      logDir: options.logDir,
    });
    // /healthz turns 200 only when JetStream is ready as well, not merely when the client port is open.
    await waitUntilReady(server, () => waitForHttpOk(`${monitorUrl}/healthz`, options.timeoutMs ?? 15_000));
    const stop = async (): Promise<void> => {
      await server.stop();
      await removeTempDir(storeDir);
    };
    return { url, monitorUrl, process: server, stop };
  } catch (error) {
    await removeTempDir(storeDir);
    throw error;
  }
}
