import { Readable } from 'node:stream';
import { Entry, getFileNameLowLevel, openPromise, ZipFile } from 'yauzl';

import { entryPath, ExtractionTarget, refuseEntry } from './archive-entry';
import { SourceError } from './source-error';

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
/** "Version made by" host systems whose external attributes carry a Unix mode: UNIX and OS X. */
const UNIX_HOSTS = new Set([3, 19]);
const MAX_LINK_TARGET_BYTES = 4096;

/**
 * Unpacks a zip file through `target` with yauzl. File names are decoded here (not by yauzl, which would
 * fail the whole archive with its own message) so that a refusal names the entry. Unix modes from the
 * external attributes give the executable bit and mark symbolic links (their target is the entry's data).
 */
export async function extractZipFile(archivePath: string, target: ExtractionTarget): Promise<void> {
  let zip: ZipFile;
  try {
    zip = await openPromise(archivePath, {
      lazyEntries: true,
      decodeStrings: false,
      validateEntrySizes: true,
      strictFileNames: false,
      autoClose: false,
    });
  } catch (error) {
    throw damaged(error);
  }
  try {
    let declaredBytes = 0;
    for await (const entry of zip.eachEntry()) {
      const name = getFileNameLowLevel(
        entry.generalPurposeBitFlag,
        entry.fileNameRaw,
        entry.extraFields,
        false,
      );
      target.countEntry(name);
      const path = entryPath(name);
      const mode = UNIX_HOSTS.has(entry.versionMadeBy >> 8) ? entry.externalFileAttributes >>> 16 : 0;
      const type = mode & S_IFMT;
      if (name.endsWith('/') || type === S_IFDIR) {
        await target.directory(name, path);
        continue;
      }
      if (type !== 0 && type !== S_IFREG && type !== S_IFLNK) {
        refuseEntry(name, 'is a device, FIFO or socket, which cannot be part of a source archive.');
      }
      if (entry.isEncrypted()) {
        refuseEntry(name, 'is encrypted. Create the archive without a password.');
      }
      if (!entry.canDecodeFileData()) {
        refuseEntry(
          name,
          `uses a compression method this builder cannot unpack (method ${entry.compressionMethod}). ` +
            'Create the archive with standard (deflate) compression.',
        );
      }
      // What the headers claim is not trusted for the limit (bytes written are counted), but a claim that
      // is already too large is refused without reading anything.
      declaredBytes += entry.uncompressedSize;
      target.checkDeclaredSize(name, declaredBytes);
      if (type === S_IFLNK) {
        await target.symlink(name, path, await readLinkTarget(zip, entry, name));
        continue;
      }
      const body = openedSafely(await zip.openReadStreamPromise(entry));
      try {
        await target.file(name, path, (mode & 0o111) !== 0, body);
      } finally {
        body.destroy();
      }
    }
  } catch (error) {
    throw error instanceof SourceError ? error : damaged(error);
  } finally {
    zip.close();
  }
}

async function readLinkTarget(zip: ZipFile, entry: Entry, name: string): Promise<string> {
  if (entry.uncompressedSize > MAX_LINK_TARGET_BYTES) {
    refuseEntry(name, 'is a symbolic link with an invalid target.');
  }
  const chunks: Buffer[] = [];
  let length = 0;
  const body = openedSafely(await zip.openReadStreamPromise(entry));
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      length += chunk.length;
      if (length > MAX_LINK_TARGET_BYTES) refuseEntry(name, 'is a symbolic link with an invalid target.');
      chunks.push(chunk);
    }
  } finally {
    body.destroy();
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * yauzl's stream starts inflating at once and fails as soon as the data outgrows the declared size — often
 * before anyone iterates it. Without a listener that 'error' would be unhandled and end the process; the
 * iteration still sees the error, since the stream is destroyed with it.
 */
function openedSafely(stream: Readable): Readable {
  stream.on('error', () => undefined);
  return stream;
}

function damaged(error: unknown): SourceError {
  const detail = error instanceof Error ? error.message : String(error);
  return new SourceError(
    `The zip archive could not be unpacked: it is damaged or not a valid zip file (${detail}). ` +
      'Create it again and upload it.',
  );
}
