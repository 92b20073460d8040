import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cachedRoot: string | undefined;

/** The monorepo's root directory (the one holding nx.json), found from this file's location. */
export function repoRoot(): string {
  if (cachedRoot !== undefined) {
    return cachedRoot;
  }
  let dir = __dirname;
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`Cannot find the repository root (no nx.json above ${__dirname})`);
    }
    dir = parent;
  }
  cachedRoot = dir;
  return dir;
}
