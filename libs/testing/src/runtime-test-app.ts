import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { makeTempDir, removeTempDir } from './temp-dirs';

const run = promisify(execFile);

/** The local Node base image (deploy/scripts/build-base-images.sh); no registry is needed. */
export const RUNTIME_TEST_APP_BASE = 'slipway-local/node:20-bookworm';
export const RUNTIME_TEST_APP_IMAGE = 'slipway-test/runtime-app:latest';

/**
 * A few-line HTTP app for runtime tests and benchmarks. It listens on $PORT and answers every path with
 * `release=<$RELEASE_MARK>`; `/crash` makes it exit with code 3; `/health` answers 500 when $FAIL_HEALTH is
 * set; $STARTUP_DELAY_MS delays listening (to catch a release mid-way). It logs a line when it starts and
 * one per request.
 */
const SERVER = `
const http = require('http');
const mark = process.env.RELEASE_MARK || 'none';
const delay = Number(process.env.STARTUP_DELAY_MS || 0);
console.log('test app ' + mark + ' starting on port ' + process.env.PORT);
if (process.env.FAIL_HEALTH) console.error('test app ' + mark + ': FAIL_HEALTH is set, every answer is 500');
const server = http.createServer((req, res) => {
  if (req.url === '/crash') {
    console.error('test app ' + mark + ' crashing on request');
    res.end('crashing');
    setTimeout(() => process.exit(3), 10);
    return;
  }
  if (process.env.FAIL_HEALTH) { res.statusCode = 500; res.end('unhealthy'); return; }
  if (req.url !== '/health') console.log('test app ' + mark + ' ' + req.method + ' ' + req.url);
  res.end('release=' + mark);
});
server.keepAliveTimeout = 65000;
setTimeout(() => server.listen(Number(process.env.PORT), () => console.log('test app ' + mark + ' listening')), delay);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

/**
 * Builds the runtime test app image from the local Node base image (once per call; Docker's cache makes a
 * repeat cheap), labelled `io.slipway.test=true` so containers made from it carry the test label too.
 */
export async function buildRuntimeTestApp(tag = RUNTIME_TEST_APP_IMAGE): Promise<string> {
  const dir = await makeTempDir('slipway-runtime-app-');
  try {
    await writeFile(join(dir, 'server.js'), SERVER);
    await writeFile(
      join(dir, 'Dockerfile'),
      `FROM ${RUNTIME_TEST_APP_BASE}\nLABEL io.slipway.test=true\nWORKDIR /app\nCOPY server.js .\nCMD ["node", "server.js"]\n`,
    );
    await run('docker', ['build', '-q', '-t', tag, dir], { timeout: 120_000 });
    return tag;
  } finally {
    await removeTempDir(dir);
  }
}
