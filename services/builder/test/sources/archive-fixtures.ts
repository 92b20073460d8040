import { gzipSync } from 'node:zlib';
import { Header, types } from 'tar';
import { ZipFile } from 'yazl';

export interface TarFixtureEntry {
  path: string;
  type?: types.EntryTypeName;
  body?: string | Buffer;
  mode?: number;
  linkpath?: string;
}

/**
 * A tar archive written header by header, so that it can hold what no well-behaved tool writes: `../` paths,
 * absolute paths, links out of the archive, hard links, devices.
 */
export function craftTar(entries: readonly TarFixtureEntry[], options: { gzip?: boolean } = {}): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = typeof entry.body === 'string' ? Buffer.from(entry.body) : (entry.body ?? Buffer.alloc(0));
    const type = entry.type ?? 'File';
    const header = new Header({
      path: entry.path,
      type,
      mode: entry.mode ?? (type === 'Directory' ? 0o755 : 0o644),
      size: body.length,
      linkpath: entry.linkpath,
      uid: 0,
      gid: 0,
      mtime: new Date(0),
      ...(type === 'CharacterDevice' || type === 'BlockDevice' ? { devmaj: 1, devmin: 3 } : {}),
    });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    blocks.push(block);
    if (body.length > 0) {
      blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  const tar = Buffer.concat(blocks);
  return options.gzip ? gzipSync(tar) : tar;
}

export interface ZipFixtureEntry {
  path: string;
  body?: string | Buffer;
  /** A full Unix mode (file type included), e.g. 0o100755 or 0o120777 for a link. */
  mode?: number;
  directory?: boolean;
}

/** A zip archive built with yazl. */
export async function buildZip(entries: readonly ZipFixtureEntry[]): Promise<Buffer> {
  const zip = new ZipFile();
  for (const entry of entries) {
    if (entry.directory) {
      zip.addEmptyDirectory(entry.path, { mtime: new Date(0) });
    } else {
      const body = typeof entry.body === 'string' ? Buffer.from(entry.body) : (entry.body ?? Buffer.alloc(0));
      zip.addBuffer(body, entry.path, { mode: entry.mode ?? 0o100644, mtime: new Date(0) });
    }
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * yazl refuses to write unsafe names, so hostile zips are made with a placeholder of the same length that is
 * then replaced everywhere it occurs (local header and central directory; names carry no checksum).
 */
export function renameInZip(zip: Buffer, placeholder: string, hostile: string): Buffer {
  if (Buffer.byteLength(placeholder) !== Buffer.byteLength(hostile)) {
    throw new Error('The placeholder and the hostile name must have the same length');
  }
  const from = Buffer.from(placeholder);
  const to = Buffer.from(hostile);
  const result = Buffer.from(zip);
  let replaced = 0;
  for (let index = result.indexOf(from); index !== -1; index = result.indexOf(from, index + 1)) {
    to.copy(result, index);
    replaced += 1;
  }
  if (replaced === 0) throw new Error(`${placeholder} is not in the zip`);
  return result;
}

/** Rewrites the uncompressed size every header of the zip declares, to make an archive that lies. */
export function declareUncompressedSize(zip: Buffer, size: number): Buffer {
  const result = Buffer.from(zip);
  for (let index = 0; index + 46 <= result.length; index += 1) {
    const signature = result.readUInt32LE(index);
    if (signature === 0x04034b50) result.writeUInt32LE(size, index + 22);
    if (signature === 0x02014b50) result.writeUInt32LE(size, index + 24);
  }
  return result;
}
