import { constants } from 'node:fs';
import { chmod, lstat, mkdir, open, symlink } from 'node:fs/promises';
import { join } from 'node:path';

import { formatBytes } from './format';
import { quoteForMessage, SourceError } from './source-error';
import { isAbsoluteAnywhere, resolveLinkInsideRoot } from './source-tree';

export interface ExtractionLimits {
  /** Sum of the bytes written to files. */
  maxBytes: number;
  /** Entries of any kind (files, directories, links). */
  maxEntries: number;
}

/** Refuses an entry, naming it. */
export function refuseEntry(name: string, why: string): never {
  throw new SourceError(`The archive entry ${quoteForMessage(name)} ${why}`);
}

const ESCAPES =
  'Archives must only contain paths inside the project: create it from within the project folder.';

/**
 * The path an archive entry may be written to, relative to the extraction root with "/" separators ("" for
 * the root itself), or a SourceError naming the entry. Backslashes count as separators (archives made on
 * Windows); absolute paths (`/etc/passwd`, `C:\x`), `..` anywhere and control characters are refused.
 */
export function entryPath(name: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) {
    refuseEntry(name, 'has control characters in its name. Rename the file and create the archive again.');
  }
  const normalized = name.replace(/\\/g, '/');
  if (normalized.startsWith('/') || isAbsoluteAnywhere(normalized)) {
    refuseEntry(name, `has an absolute path. ${ESCAPES}`);
  }
  const parts = normalized.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) {
    refuseEntry(name, `points outside the archive with "..". ${ESCAPES}`);
  }
  return parts.join('/');
}

/**
 * Writes the entries of one archive below `root`, enforcing the limits on the bytes actually written (not
 * what headers claim) and on the number of entries. It never writes through a symbolic link, never replaces
 * an existing path, creates files with O_EXCL|O_NOFOLLOW, and keeps only the executable bit of a mode.
 */
export class ExtractionTarget {
  files = 0;
  bytes = 0;
  private entries = 0;
  /** Directories created here: known to be real directories, so their ancestors need no new check. */
  private readonly directories = new Set<string>(['']);

  constructor(
    private readonly root: string,
    private readonly limits: ExtractionLimits,
  ) {}

  /** Counts one entry against maxEntries. */
  countEntry(name: string): void {
    this.entries += 1;
    if (this.entries > this.limits.maxEntries) {
      throw new SourceError(
        `The archive has more than ${this.limits.maxEntries} entries (stopped at ${quoteForMessage(name)}). ` +
          'Leave out dependencies and build output (node_modules, dist, .venv) and upload it again.',
      );
    }
  }

  /** Refuses up front when the sizes the archive declares already exceed the limit. */
  checkDeclaredSize(name: string, declaredTotal: number): void {
    if (declaredTotal > this.limits.maxBytes) this.tooLarge(name);
  }

  async directory(name: string, path: string): Promise<void> {
    if (path === '') return;
    await this.ensureDirectory(name, path);
  }

  async file(name: string, path: string, executable: boolean, body: AsyncIterable<Buffer>): Promise<void> {
    if (path === '') refuseEntry(name, 'is a file without a name.');
    await this.ensureParent(name, path);
    const fullPath = this.full(path);
    let handle;
    try {
      // O_EXCL|O_NOFOLLOW: never follow a link planted at this path, never overwrite an earlier entry.
      handle = await open(
        fullPath,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
        0o600,
      );
    } catch (error) {
      refuseIfDuplicate(name, error);
      throw error;
    }
    try {
      for await (const chunk of body) {
        this.bytes += chunk.length;
        if (this.bytes > this.limits.maxBytes) this.tooLarge(name);
        await handle.write(chunk);
      }
      await handle.chmod(executable ? 0o755 : 0o644);
    } finally {
      await handle.close();
    }
    this.files += 1;
  }

  async symlink(name: string, path: string, target: string): Promise<void> {
    if (path === '') refuseEntry(name, 'is a link without a name.');
    // eslint-disable-next-line no-control-regex
    if (target === '' || /[\u0000]/.test(target) || target.length > 4096) {
      refuseEntry(name, 'is a symbolic link with an invalid target.');
    }
    if (isAbsoluteAnywhere(target) || (await resolveLinkInsideRoot(this.root, path, target)) === undefined) {
      refuseEntry(name, linkOutside(target));
    }
    await this.ensureParent(name, path);
    try {
      await symlink(target, this.full(path));
    } catch (error) {
      refuseIfDuplicate(name, error);
      throw error;
    }
  }

  private tooLarge(name: string): never {
    throw new SourceError(
      `The archive unpacks to more than the limit of ${formatBytes(this.limits.maxBytes)} (stopped at ` +
        `${quoteForMessage(name)}). Leave out dependencies, build output and large files, or ask the platform ` +
        'operator to raise the limit.',
    );
  }

  private full(path: string): string {
    return join(this.root, ...path.split('/'));
  }

  private async ensureParent(name: string, path: string): Promise<void> {
    const slash = path.lastIndexOf('/');
    if (slash !== -1) await this.ensureDirectory(name, path.slice(0, slash));
  }

  /** Makes `path` and its ancestors real directories, refusing to pass through a link or a file. */
  private async ensureDirectory(name: string, path: string): Promise<void> {
    const parts = path.split('/');
    for (let depth = 1; depth <= parts.length; depth += 1) {
      const current = parts.slice(0, depth).join('/');
      if (this.directories.has(current)) continue;
      const fullPath = this.full(current);
      try {
        await mkdir(fullPath, { mode: 0o755 });
        await chmod(fullPath, 0o755);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const stats = await lstat(fullPath);
        if (stats.isSymbolicLink()) {
          refuseEntry(
            name,
            `would be written through the symbolic link ${quoteForMessage(current)}. ${ESCAPES}`,
          );
        }
        if (!stats.isDirectory()) {
          refuseEntry(
            name,
            `needs ${quoteForMessage(current)} to be a folder, but the archive has a file there.`,
          );
        }
      }
      this.directories.add(current);
    }
  }
}

export function linkOutside(target: string): string {
  return (
    `is a symbolic link to ${quoteForMessage(target)}, which is outside the archive. Links must be relative ` +
    'and stay inside the project: remove the link or point it at a file in the project.'
  );
}

/** A path written twice means two entries share a name (or one clashes with another): refuse the archive. */
function refuseIfDuplicate(name: string, error: unknown): void {
  if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
    refuseEntry(
      name,
      'appears twice in the archive, or clashes with another entry. Create the archive again.',
    );
  }
}
