import { lstat, readdir, readlink } from 'node:fs/promises';
import { isAbsolute, join, posix } from 'node:path';

import { quoteForMessage, SourceError } from './source-error';

/** How many symbolic links one path may pass through before it counts as a loop (Linux allows 40). */
const MAX_LINK_HOPS = 40;

export interface TreeSummary {
  /** Regular files (symbolic links and directories are not counted). */
  files: number;
  /** Sum of the sizes of the regular files. */
  bytes: number;
  /** Every symbolic link, relative to the root with "/" separators. */
  symlinks: string[];
}

/**
 * Walks a directory without following symbolic links and sums what it holds. Entries that vanish while it
 * runs (a clone still writing) are skipped. `skip` names top-level entries to leave out (".git").
 */
export async function summarizeTree(root: string, skip: readonly string[] = []): Promise<TreeSummary> {
  const summary: TreeSummary = { files: 0, bytes: 0, symlinks: [] };
  const pending: string[] = [''];
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    let names: string[];
    try {
      names = await readdir(join(root, dir));
    } catch (error) {
      if (isVanished(error)) continue;
      throw error;
    }
    for (const name of names) {
      if (dir === '' && skip.includes(name)) continue;
      const path = dir === '' ? name : `${dir}/${name}`;
      let stats;
      try {
        stats = await lstat(join(root, path));
      } catch (error) {
        if (isVanished(error)) continue;
        throw error;
      }
      if (stats.isDirectory()) {
        pending.push(path);
      } else if (stats.isSymbolicLink()) {
        summary.symlinks.push(path);
      } else if (stats.isFile()) {
        summary.files += 1;
        summary.bytes += stats.size;
      }
    }
  }
  return summary;
}

function isVanished(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * Where a symbolic link at `linkPath` (relative to `root`, "/"-separated) pointing to `target` ends up,
 * following any links it passes through as they are on disk now — so `b -> .` plus `a -> b/../x` is seen to
 * leave the root, which a purely textual check would miss. Components that do not exist (yet) are taken
 * literally. Returns the path relative to the root, or `undefined` if the link leaves the root, is absolute,
 * or loops.
 */
export async function resolveLinkInsideRoot(
  root: string,
  linkPath: string,
  target: string,
): Promise<string | undefined> {
  if (isAbsoluteAnywhere(target)) {
    return undefined;
  }
  const resolved: string[] = posix.dirname(linkPath).split('/').filter(isNamedComponent);
  const queue = target.split('/');
  let hops = 0;
  while (queue.length > 0) {
    const component = queue.shift() as string;
    if (component === '' || component === '.') continue;
    if (component === '..') {
      if (resolved.length === 0) return undefined;
      resolved.pop();
      continue;
    }
    resolved.push(component);
    let stats;
    try {
      stats = await lstat(join(root, ...resolved));
    } catch (error) {
      if (isVanished(error)) continue;
      throw error;
    }
    if (stats.isSymbolicLink()) {
      hops += 1;
      if (hops > MAX_LINK_HOPS) return undefined;
      const next = await readlink(join(root, ...resolved));
      if (isAbsoluteAnywhere(next)) return undefined;
      resolved.pop();
      queue.unshift(...next.split('/'));
    }
  }
  return resolved.join('/');
}

function isNamedComponent(component: string): boolean {
  return component !== '' && component !== '.';
}

/** Absolute on POSIX ("/etc") or on Windows ("C:\x", "C:/x", "\\server\share", "\x"). */
export function isAbsoluteAnywhere(path: string): boolean {
  return isAbsolute(path) || /^[A-Za-z]:/.test(path) || path.startsWith('\\');
}

/**
 * Refuses the tree if any symbolic link in it points outside it (absolute targets included): whatever reads
 * the source next (stack detection, the image build) must never be led to the builder's own files.
 */
export async function assertSymlinksStayInside(
  root: string,
  symlinks: readonly string[],
  describe: (path: string, target: string) => string,
): Promise<void> {
  for (const path of symlinks) {
    const target = await readlink(join(root, ...path.split('/')));
    if ((await resolveLinkInsideRoot(root, path, target)) === undefined) {
      throw new SourceError(describe(path, target));
    }
  }
}

/** The message for a link that leaves the source, shared by git checkouts and archives. */
export function linkOutsideMessage(what: string, path: string, target: string): string {
  return (
    `${what} ${quoteForMessage(path)} is a symbolic link to ${quoteForMessage(target)}, which is outside the ` +
    'source. Links must stay inside the project and be relative: remove the link or point it at a file in ' +
    'the project.'
  );
}
