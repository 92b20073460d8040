import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The version a service reports: SLIPWAY_VERSION when the image sets it, else the workspace's. */
export function readServiceVersion(cwd = process.cwd()): string {
  const fromEnv = process.env['SLIPWAY_VERSION'];
  if (fromEnv) return fromEnv;
  const manifest = join(cwd, 'package.json');
  if (existsSync(manifest)) {
    const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string };
    if (version) return version;
  }
  return '0.0.0-dev';
}
