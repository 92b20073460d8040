import ignore from '@balena/dockerignore';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import tarFs from 'tar-fs';
import { parseDockerfile } from '../detection';

/**
 * Image assembly: a Dockerfile that runs no command (no RUN) only puts files from the context onto a base
 * image and sets configuration. Docker's classic builder still makes a container and a commit for every one
 * of its steps (0.1–0.3 s each here). Assembled instead, it is one container made from the base image, one
 * archive of the copied files put into it, and one commit that applies the configuration instructions:
 * Docker applies those itself (its commit takes Dockerfile instructions), so `CMD`, `ENV`, `USER` ... mean
 * exactly what they mean in a build. Only `FROM` and `COPY` are read here, and only in their plainest forms;
 * anything else goes to `docker build` as before.
 */

/** Instructions Docker applies to the image's configuration when it commits a container. */
const CONFIGURATION_INSTRUCTIONS = new Set([
  'CMD',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'LABEL',
  'USER',
  'WORKDIR',
]);

const PARSER_DIRECTIVE = /^#\s*[a-zA-Z][a-zA-Z0-9]*\s*=/;

export interface CopyStep {
  /** Relative to the context, normalized ('.' is the whole context). */
  sources: string[];
  /** Absolute path in the image. */
  destination: string;
  /** The destination is a directory the sources go into (it ends in `/`, or is `.`). */
  intoDirectory: boolean;
}

export interface AssemblyPlan {
  baseImage: string;
  copies: CopyStep[];
  /** Configuration instructions in the Dockerfile's order, as Docker's commit takes them. */
  configuration: string[];
}

export type AssemblyDecision = { plan: AssemblyPlan } | { notAssembled: string };

const notAssembled = (reason: string): AssemblyDecision => ({ notAssembled: reason });

/** Whether the Dockerfile can be assembled, and how; the reason when it needs `docker build`. */
export function planImageAssembly(dockerfile: string): AssemblyDecision {
  const firstLine = dockerfile.split(/\r?\n/, 1)[0] ?? '';
  if (PARSER_DIRECTIVE.test(firstLine)) return notAssembled('it starts with a parser directive');
  const instructions = parseDockerfile(dockerfile);
  const [from, ...rest] = instructions;
  if (from?.keyword !== 'FROM') return notAssembled('it does not start with FROM');
  const baseImage = from.args.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9._/:@-]*$/.test(baseImage)) {
    return notAssembled('its FROM has options, a stage name or variables');
  }
  const copies: CopyStep[] = [];
  const configuration: string[] = [];
  let workdir: string | undefined;
  for (const { keyword, args } of rest) {
    if (keyword === 'COPY') {
      const step = copyStep(args, workdir);
      if ('notAssembled' in step) return step;
      copies.push(step.copy);
    } else if (keyword === 'WORKDIR') {
      const path = args.trim();
      if (/[$\\]/.test(path) || path === '') return notAssembled('its WORKDIR uses variables or escapes');
      // Relative to the base image's own directory: that is only known to the build.
      if (!path.startsWith('/') && workdir === undefined)
        return notAssembled('its first WORKDIR is relative');
      workdir = posix.resolve(workdir ?? '/', path);
      configuration.push(`WORKDIR ${workdir}`);
    } else if (CONFIGURATION_INSTRUCTIONS.has(keyword)) {
      configuration.push(`${keyword} ${args}`);
    } else {
      return notAssembled(`it has a ${keyword} instruction`);
    }
  }
  return { plan: { baseImage, copies, configuration } };
}

function copyStep(args: string, workdir: string | undefined): { copy: CopyStep } | { notAssembled: string } {
  const words = args.trim().split(/\s+/);
  if (args.trim().startsWith('[')) return { notAssembled: 'a COPY is in JSON form' };
  if (words.some((word) => word.startsWith('--'))) return { notAssembled: 'a COPY has options' };
  if (words.some((word) => /[$\\*?[\]]/.test(word))) {
    return { notAssembled: 'a COPY uses variables, escapes or wildcards' };
  }
  if (words.length < 2) return { notAssembled: 'a COPY names no destination' };
  const destination = words[words.length - 1] as string;
  const sources = words.slice(0, -1).map((source) => posix.normalize(source).replace(/\/+$/, '') || '.');
  if (sources.some((source) => source.startsWith('/') || source === '..' || source.startsWith('../'))) {
    return { notAssembled: 'a COPY names a source outside the context' };
  }
  const intoDirectory = destination.endsWith('/') || destination === '.' || destination.endsWith('/.');
  if (sources.length > 1 && !intoDirectory)
    return { notAssembled: 'a COPY of several sources names no directory' };
  if (!destination.startsWith('/') && workdir === undefined) {
    return { notAssembled: 'a COPY goes to a relative destination before any WORKDIR' };
  }
  return { copy: { sources, destination: posix.resolve(workdir ?? '/', destination), intoDirectory } };
}

/** One file, directory or symbolic link of the context, as it goes into the image. */
export interface CopiedEntry {
  /** Relative to the context. */
  source: string;
  /** Absolute path in the image. */
  target: string;
  kind: 'file' | 'directory' | 'symlink';
  mode: number;
  size: number;
  mtime: Date;
  linkTarget?: string;
}

/**
 * What the plan's COPY steps put into the image, read from the context as Docker would send it (`.dockerignore`
 * applies, to the Dockerfile and `.dockerignore` too, as `COPY` leaves them out when they are listed there).
 * A reason instead when only `docker build` can say what happens: a source that is missing or left out, a
 * link or special file as a source, a file copied to a path that may be a directory, or `!` exceptions in
 * `.dockerignore` (Docker walks into left-out folders for those).
 */
export async function copiedEntries(
  contextDir: string,
  copies: CopyStep[],
): Promise<{ entries: CopiedEntry[] } | { notAssembled: string }> {
  const ignoreText = await readFile(join(contextDir, '.dockerignore'), 'utf8').catch(() => '');
  const ignoreLines = ignoreText.split(/\r?\n/);
  if (ignoreLines.some((line) => line.trim().startsWith('!'))) {
    return { notAssembled: 'its .dockerignore has exceptions' };
  }
  const rules = ignore().add(ignoreLines);
  const entries: CopiedEntry[] = [];
  for (const copy of copies) {
    for (const source of copy.sources) {
      if (source !== '.' && rules.ignores(source))
        return { notAssembled: `${source} is left out by .dockerignore` };
      const stats = await lstat(join(contextDir, source)).catch(() => undefined);
      if (!stats) return { notAssembled: `${source} is not in the context` };
      if (stats.isFile()) {
        if (!copy.intoDirectory) return { notAssembled: 'a COPY of a file names no directory' };
        entries.push(entryOf(source, posix.join(copy.destination, posix.basename(source)), stats));
      } else if (stats.isDirectory()) {
        const walked = await walk(contextDir, source, copy.destination, rules);
        if ('notAssembled' in walked) return walked;
        entries.push(...walked.entries);
      } else {
        return { notAssembled: `${source} is a link or a special file` };
      }
    }
  }
  return { entries };
}

async function walk(
  contextDir: string,
  directory: string,
  target: string,
  rules: ReturnType<typeof ignore>,
): Promise<{ entries: CopiedEntry[] } | { notAssembled: string }> {
  const entries: CopiedEntry[] = [];
  const children = (await readdir(join(contextDir, directory))).sort();
  for (const name of children) {
    const source = directory === '.' ? name : `${directory}/${name}`;
    if (rules.ignores(source)) continue;
    const stats = await lstat(join(contextDir, source));
    const childTarget = posix.join(target, name);
    if (stats.isFile()) {
      entries.push(entryOf(source, childTarget, stats));
    } else if (stats.isSymbolicLink()) {
      const linkTarget = await readlink(join(contextDir, source));
      entries.push({ ...entryOf(source, childTarget, stats), kind: 'symlink', size: 0, linkTarget });
    } else if (stats.isDirectory()) {
      entries.push({ ...entryOf(source, childTarget, stats), kind: 'directory', size: 0 });
      const nested = await walk(contextDir, source, childTarget, rules);
      if ('notAssembled' in nested) return nested;
      entries.push(...nested.entries);
    } else {
      return { notAssembled: `${source} is a special file` };
    }
  }
  return { entries };
}

function entryOf(
  source: string,
  target: string,
  stats: { mode: number; size: number; mtime: Date },
): CopiedEntry {
  return { source, target, kind: 'file', mode: stats.mode & 0o7777, size: stats.size, mtime: stats.mtime };
}

/**
 * The entries as a tar stream for Docker's archive upload at `/`: owned by root, as `COPY` makes them, with
 * their modes and times. Files are streamed one at a time, so a large context is never held in memory.
 */
export function packEntries(contextDir: string, entries: CopiedEntry[]): NodeJS.ReadableStream {
  // tar-fs hands over its tar-stream packer at `finish`; with no entries of its own it adds nothing.
  return tarFs.pack(contextDir, {
    entries: [],
    finalize: false,
    finish: (pack) => {
      void (async () => {
        for (const entry of entries) {
          const header = {
            name: entry.target.replace(/^\/+/, ''),
            mode: entry.mode,
            mtime: entry.mtime,
            uid: 0,
            gid: 0,
          };
          if (entry.kind === 'directory') pack.entry({ ...header, type: 'directory' });
          else if (entry.kind === 'symlink') {
            pack.entry({ ...header, type: 'symlink', linkname: entry.linkTarget ?? '' });
          } else {
            await new Promise<void>((resolve, reject) => {
              const sink = pack.entry({ ...header, type: 'file', size: entry.size }, (error) =>
                error ? reject(error) : resolve(),
              );
              pipeline(createReadStream(join(contextDir, entry.source)), sink).catch(reject);
            });
          }
        }
        pack.finalize();
      })().catch((error: Error) => pack.destroy(error));
    },
  });
}
