import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { MongoClient } from 'mongodb';

import { ManagedProcess, waitUntilReady } from './processes';
import { freePorts } from './ports';
import { repoRoot } from './repo';
import { makeTempDir, removeTempDir } from './temp-dirs';
import { waitFor, waitForTcp } from './wait';

export interface StartDatabaseOptions {
  /** Also write FerretDB's output to `<logDir>/ferretdb.log`. */
  logDir?: string;
  /** How long to wait for the database to answer a ping. Default 30 s. */
  timeoutMs?: number;
}

export interface StartedDatabase {
  /** Server URL without a database name, e.g. mongodb://127.0.0.1:41236 */
  url: string;
  /** True when the URL came from env MONGO_URL, i.e. a server this helper did not start and will not stop. */
  external: boolean;
  /** Stops the server and deletes its data (a no-op for an external server). */
  stop(): Promise<void>;
}

/** The FerretDB binary: env FERRETDB_BIN, else the one install-deps.sh builds into .slipway/bin. */
export function ferretDbBinary(): string {
  const binary = process.env['FERRETDB_BIN'] ?? join(repoRoot(), '.slipway', 'bin', 'ferretdb');
  if (!existsSync(binary)) {
    throw new Error(
      `FerretDB is not installed (looked for ${binary}). Run: bash deploy/scripts/install-deps.sh ` +
        '(or point FERRETDB_BIN at a ferretdb binary, or MONGO_URL at a MongoDB-compatible server).',
    );
  }
  return binary;
}

/** Connects, runs `ping`, disconnects: proof the server speaks the MongoDB protocol, not just TCP. */
export async function pingDatabase(url: string): Promise<void> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 2000, directConnection: true });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
  } finally {
    await client.close();
  }
}

/**
 * A MongoDB-compatible database for a test. With env MONGO_URL set, that server is used (use a fresh database
 * name per test file). Otherwise a private FerretDB (SQLite backend) starts on free ports with its data in a
 * fresh temp dir.
 */
export async function startDatabase(options: StartDatabaseOptions = {}): Promise<StartedDatabase> {
  const externalUrl = process.env['MONGO_URL'];
  if (externalUrl) {
    return { url: externalUrl, external: true, stop: async () => undefined };
  }
  const binary = ferretDbBinary();
  const [port, debugPort] = await freePorts(2);
  const dataDir = await makeTempDir('slipway-ferretdb-');
  const url = `mongodb://127.0.0.1:${port}`;
  const timeoutMs = options.timeoutMs ?? 30_000;
  try {
    const server = await ManagedProcess.start({
      name: 'ferretdb',
      command: binary,
      args: [
        '--handler=sqlite', // the default is postgresql
        `--sqlite-url=file:${dataDir}/`,
        `--state-dir=${dataDir}`, // the default is the cwd
        `--listen-addr=127.0.0.1:${port}`,
        `--debug-addr=127.0.0.1:${debugPort}`, // the default 127.0.0.1:8088 would collide between tests
        '--telemetry=disable', // the default reports to FerretDB's beacon on the internet
        '--log-level=warn',
      ],
      logDir: options.logDir,
    });
    await waitUntilReady(server, async () => {
      await waitForTcp('127.0.0.1', port, timeoutMs);
      await waitFor(() => pingDatabase(url).then(() => true), {
        timeoutMs,
        intervalMs: 200,
        description: `FerretDB at ${url} to answer ping`,
      });
    });
    const stop = async (): Promise<void> => {
      await server.stop();
      await removeTempDir(dataDir);
    };
    return { url, external: false, stop };
  } catch (error) {
    await removeTempDir(dataDir);
    throw error;
  }
}
