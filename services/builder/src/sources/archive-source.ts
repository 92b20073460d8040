import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

import { ExtractionTarget, linkOutside } from './archive-entry';
import { ByteLimit, extractTarStream } from './archive-tar';
import { extractZipFile } from './archive-zip';
import { formatBytes } from './format';
import { quoteForMessage, SourceError } from './source-error';
import { assertSymlinksStayInside, summarizeTree } from './source-tree';
import { StagingDir } from './staging';

export interface ExtractArchiveOptions {
  /** The uploaded file. Its format is read from its first bytes; the file name does not matter. */
  archivePath: string;
  /** Receives the files. Must not exist yet, or be an empty directory. */
  targetDir: string;
  /** Largest accepted sum of file sizes, counted as the files are written (headers are not trusted). */
  maxBytes: number;
  /** Largest accepted number of entries (files, folders and links). */
  maxEntries: number;
}

export interface ExtractedArchive {
  /** Regular files written (folders and links not counted). */
  files: number;
  /** Sum of their sizes. */
  bytes: number;
}

export type ArchiveFormat = 'zip' | 'tar' | 'tar.gz';

export const SUPPORTED_ARCHIVES = 'Supported formats: .zip, .tar and .tar.gz (.tgz).';

/**
 * Unpacks an uploaded zip, tar or gzip-compressed tar into `targetDir`, or throws a SourceError naming the
 * offending entry and leaves nothing behind (it unpacks into a hidden sibling and renames it on success).
 *
 * Refused: paths that are absolute or contain "..", symbolic links that are absolute or lead outside the
 * source (also through other links), hard links, devices and FIFOs, entries that appear twice, more than
 * `maxEntries` entries, more than `maxBytes` written, and unknown formats. Only the executable bit of a
 * mode is kept (files are 0644 or 0755, folders 0755); owners are ignored.
 *
 * The structure is kept as it is: an archive with one top-level folder (as GitHub's zipballs have,
 * `owner-repo-<sha>/…`) unpacks to that folder, and the app's `rootDirectory` setting selects it.
 */
export async function extractArchive(options: ExtractArchiveOptions): Promise<ExtractedArchive> {
  const format = await detectArchiveFormat(options.archivePath);
  const staging = await StagingDir.create(options.targetDir);
  try {
    const target = new ExtractionTarget(staging.path, {
      maxBytes: options.maxBytes,
      maxEntries: options.maxEntries,
    });
    if (format === 'zip') {
      await extractZipFile(options.archivePath, target);
    } else {
      await extractTarStream(tarStreams(options, format), target);
    }
    // Links are checked once more now that every entry exists: one entry can change where another leads.
    const tree = await summarizeTree(staging.path);
    await assertSymlinksStayInside(
      staging.path,
      tree.symlinks,
      (path, linkTarget) => `The archive entry ${quoteForMessage(path)} ${linkOutside(linkTarget)}`,
    );
    await staging.commit();
    return { files: target.files, bytes: target.bytes };
  } finally {
    await staging.discard();
  }
}

/**
 * The decompressed tar bytes, bounded: a tar holds little besides file data (512-byte headers, padding, a
 * few pax records), so far more than the file-size limit means a bomb of padding or metadata.
 */
function tarStreams(
  options: ExtractArchiveOptions,
  format: 'tar' | 'tar.gz',
): [Readable, ...NodeJS.ReadWriteStream[]] {
  const budget = options.maxBytes * 2 + options.maxEntries * 8 * 1024 + 16 * 1024 * 1024;
  const limit = new ByteLimit(
    budget,
    () =>
      new SourceError(
        `The archive unpacks to more than the limit of ${formatBytes(options.maxBytes)}. Leave out ` +
          'dependencies, build output and large files, or ask the platform operator to raise the limit.',
      ),
  );
  const file = createReadStream(options.archivePath);
  return format === 'tar.gz' ? [file, createGunzip(), limit] : [file, limit];
}

/** Reads the format from the file's first bytes ("magic numbers"). */
export async function detectArchiveFormat(archivePath: string): Promise<ArchiveFormat> {
  const handle = await open(archivePath, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(512);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (head.length === 0) {
    throw new SourceError(`The uploaded archive is empty. ${SUPPORTED_ARCHIVES}`);
  }
  const startsWith = (...bytes: number[]): boolean => bytes.every((byte, index) => head[index] === byte);
  if (startsWith(0x50, 0x4b, 0x03, 0x04) || startsWith(0x50, 0x4b, 0x05, 0x06)) return 'zip';
  if (startsWith(0x1f, 0x8b)) return 'tar.gz';
  if (isTarHeader(head)) return 'tar';

  const lookalikes: [string, number[]][] = [
    ['a bzip2 file', [0x42, 0x5a, 0x68]],
    ['an xz file', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
    ['a zstd file', [0x28, 0xb5, 0x2f, 0xfd]],
    ['a 7-Zip file', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
    ['a RAR file', [0x52, 0x61, 0x72, 0x21]],
  ];
  const lookalike = lookalikes.find(([, magic]) => startsWith(...magic))?.[0];
  throw new SourceError(
    `The uploaded file is not a supported archive${lookalike === undefined ? '' : ` (it is ${lookalike})`}. ` +
      SUPPORTED_ARCHIVES,
  );
}

/** A ustar/GNU header ("ustar" at 257), or an old-style header whose checksum adds up. */
function isTarHeader(block: Buffer): boolean {
  if (block.length < 512) return false;
  if (block.subarray(257, 262).toString('latin1') === 'ustar') return true;
  const recorded = Number.parseInt(
    block
      .subarray(148, 156)
      .toString('latin1')
      .replace(/[\0 ]+$/, ''),
    8,
  );
  if (!Number.isFinite(recorded)) return false;
  let sum = 0;
  for (let index = 0; index < 512; index += 1) {
    sum += index >= 148 && index < 156 ? 0x20 : (block[index] as number);
  }
  return sum === recorded;
}
