import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * A source is written to a hidden sibling of its target directory and moved into place only once it is
 * complete and accepted, so that a refused or failed source never leaves anything at the target, and the
 * parent directory is left as it was.
 */
export class StagingDir {
  private constructor(
    /** Where the source is written while it is being fetched. */
    readonly path: string,
    private readonly targetDir: string,
  ) {}

  /**
   * Creates the staging directory next to `targetDir` (and the parent, if needed). The target must not exist
   * or must be an empty directory: a source never overwrites anything.
   */
  static async create(targetDir: string): Promise<StagingDir> {
    const target = resolve(targetDir);
    await assertAbsentOrEmpty(target);
    const parent = dirname(target);
    await mkdir(parent, { recursive: true });
    const path = join(parent, `.${basename(target)}.partial-${randomBytes(6).toString('hex')}`);
    await mkdir(path, { mode: 0o755 });
    return new StagingDir(path, target);
  }

  /** Moves the finished source to the target directory. */
  async commit(): Promise<void> {
    await assertAbsentOrEmpty(this.targetDir);
    try {
      await rmdir(this.targetDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await rename(this.path, this.targetDir);
  }

  /** Deletes the staging directory and everything in it (nothing if it was committed). */
  async discard(): Promise<void> {
    await rm(this.path, { recursive: true, force: true, maxRetries: 3 });
  }
}

async function assertAbsentOrEmpty(dir: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    throw error;
  }
  if (entries.length > 0) {
    // A programming error, not the user's: the builder gives every source a fresh directory.
    throw new Error(`Refusing to write a source into ${dir}: the directory is not empty`);
  }
}
