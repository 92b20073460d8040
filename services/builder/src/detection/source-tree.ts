import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep, win32 } from 'node:path';
import { DetectionError } from './build-plan';

/**
 * Read-only access to a checked-out source that never leaves it: every path a setting names, and every
 * symbolic link followed, must stay inside the source. (A repository can contain `Dockerfile -> /etc/shadow`;
 * the Dockerfile's text is shown to the user, so following such a link would leak the builder's files.)
 */
export class SourceTree {
  private constructor(readonly root: string) {}

  static async open(sourceDir: string): Promise<SourceTree> {
    const root = await realpath(sourceDir).catch(() => undefined);
    if (!root || !(await stat(root)).isDirectory()) {
      throw new DetectionError(`The source directory ${sourceDir} does not exist.`);
    }
    return new SourceTree(root);
  }

  /**
   * Resolves a path a user setting names, relative to `base` (absolute, inside the source). Refuses absolute
   * paths and paths that climb out of the source, or out of `within` when given (e.g. the root directory).
   */
  resolveSetting(
    base: string,
    value: string,
    setting: string,
    within?: { dir: string; name: string },
  ): string {
    if (isAbsolute(value) || win32.isAbsolute(value)) {
      throw new DetectionError(
        `${setting} "${value}" is an absolute path; give a path relative to the repository, e.g. "apps/web".`,
      );
    }
    const resolved = resolve(base, value);
    if (!isInside(this.root, resolved)) {
      throw new DetectionError(
        `${setting} "${value}" points outside the repository; give a folder inside it, e.g. "apps/web".`,
      );
    }
    if (within && !isInside(within.dir, resolved)) {
      throw new DetectionError(`${setting} "${value}" points outside ${within.name}; give a path inside it.`);
    }
    return resolved;
  }

  /** `abs` relative to `from` (both inside the source), with forward slashes (`.` for `from` itself). */
  relativeFrom(from: string, abs: string): string {
    return relative(from, abs).split(sep).join('/') || '.';
  }

  /** `abs` as a path relative to the source root, with forward slashes (`.` for the root itself). */
  relative(abs: string): string {
    return this.relativeFrom(this.root, abs);
  }

  /** What is at `abs`, following symbolic links that stay inside the source; undefined when nothing is. */
  async kind(abs: string): Promise<'file' | 'directory' | undefined> {
    // realpath resolves links anywhere in the path (a linked parent folder too), not only the last part.
    const target = await realpath(abs).catch(() => undefined);
    if (!target) return undefined;
    if (!isInside(this.root, target)) {
      throw new DetectionError(
        `${this.relative(abs)} leads outside the repository through a symbolic link; replace the link with the real files.`,
      );
    }
    const info = await stat(target).catch(() => undefined);
    if (info?.isFile()) return 'file';
    if (info?.isDirectory()) return 'directory';
    return undefined;
  }

  async isFile(abs: string): Promise<boolean> {
    return (await this.kind(abs)) === 'file';
  }

  async isDirectory(abs: string): Promise<boolean> {
    return (await this.kind(abs)) === 'directory';
  }

  /** The text of a file inside the source; undefined when there is no such file. */
  async readText(abs: string): Promise<string | undefined> {
    return (await this.isFile(abs)) ? readFile(abs, 'utf8') : undefined;
  }

  /**
   * Folders (up to `depth` levels below `from`) that hold something buildable, for hints in error messages
   * such as "found apps/api/package.json: set the root directory to apps/api".
   */
  async findBuildableFolders(from: string, depth = 3, limit = 8): Promise<string[]> {
    const found: string[] = [];
    const walk = async (dir: string, level: number): Promise<void> => {
      if (level > depth || found.length >= limit) return;
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      const names = new Set(entries.filter((entry) => entry.isFile()).map((entry) => entry.name));
      const marker = BUILDABLE_MARKERS.find((name) => names.has(name));
      if (marker && level > 0) found.push(this.relative(join(dir, marker)));
      const subfolders = entries
        .filter(
          (entry) => entry.isDirectory() && !entry.name.startsWith('.') && !SKIPPED_FOLDERS.has(entry.name),
        )
        .map((entry) => entry.name)
        .sort();
      for (const name of subfolders) await walk(join(dir, name), level + 1);
    };
    await walk(from, 0);
    return found.slice(0, limit);
  }
}

function isInside(dir: string, abs: string): boolean {
  const rel = relative(dir, abs);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

const BUILDABLE_MARKERS = ['Dockerfile', 'package.json', 'requirements.txt', 'pyproject.toml', 'index.html'];
const SKIPPED_FOLDERS = new Set(['node_modules', '__pycache__', 'venv']);
