import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { assertTestEnvironment } from './guard';

const createdHere = new Set<string>();

/** A fresh directory under the OS temp dir, for one started dependency's data. */
export async function makeTempDir(prefix: string): Promise<string> {
  // Guarded here too: anything that makes a directory to delete later is part of a destructive helper, and it
  // is better to refuse before starting a server than after.
  assertTestEnvironment('makeTempDir');
  const dir = await mkdtemp(join(tmpdir(), prefix));
  createdHere.add(dir);
  return dir;
}

/** Deletes a directory made by makeTempDir, and refuses any other path. */
export async function removeTempDir(dir: string): Promise<void> {
  assertTestEnvironment('removeTempDir');
  if (!createdHere.has(dir)) {
    throw new Error(`Refusing to delete ${dir}: it was not created by makeTempDir`);
  }
  await rm(dir, { recursive: true, force: true });
  createdHere.delete(dir);
}
