import { pipeline, Readable, Transform, TransformCallback } from 'node:stream';
import { Parser, ReadEntry } from 'tar';

import { entryPath, ExtractionTarget, refuseEntry } from './archive-entry';
import { SourceError } from './source-error';

/** Largest pax or GNU long-name header accepted: long paths need a few KB, not more. */
const MAX_META_ENTRY_BYTES = 64 * 1024;

/**
 * Reads a tar stream (`streams`: the file, then a decompressor and limits, piped together) entry by entry
 * with node-tar's parser, and writes each through `target`, which applies the path rules and limits.
 * node-tar's own Unpack is not used: it quietly rewrites unsafe paths (strips "/", skips ".."), where a
 * refusal naming the entry is wanted.
 */
export function extractTarStream(
  streams: [Readable, ...NodeJS.ReadWriteStream[]],
  target: ExtractionTarget,
): Promise<void> {
  const parser = new Parser({
    strict: true,
    brotli: false,
    zstd: false,
    maxMetaEntrySize: MAX_META_ENTRY_BYTES,
  });
  return new Promise<void>((resolve, reject) => {
    let failure: unknown;
    let settled = false;
    let current: ReadEntry | undefined;
    let sawEntry = false;
    let abort: (reason: unknown) => void = () => undefined;
    const aborted = new Promise<never>((_resolve, reject) => {
      abort = reject;
    });
    aborted.catch(() => undefined);
    // Entries are handled one after the other: the parser emits the next one only after this one ended.
    let chain: Promise<void> = Promise.resolve();

    const settle = (): void => {
      void chain.then(() => {
        if (settled) return;
        settled = true;
        if (failure === undefined) resolve();
        else reject(failure);
      });
    };
    const fail = (error: unknown): void => {
      if (failure !== undefined) return;
      failure = error;
      input.unpipe(parser);
      streams.forEach((stream) => (stream as Readable).destroy());
      // Ends a handler waiting for the body of an entry the parser will now never finish.
      abort(error);
      current?.destroy();
      settle();
    };

    parser.on('entry', (entry: ReadEntry) => {
      sawEntry = true;
      chain = chain.then(async () => {
        if (failure !== undefined) {
          entry.resume();
          return;
        }
        current = entry;
        try {
          await writeEntry(entry, untilAborted(entry, aborted), target);
        } catch (error) {
          fail(error);
        } finally {
          current = undefined;
          // Whatever the handler did not read (a directory's empty body, a refused entry) is skipped.
          entry.resume();
        }
      });
    });
    // Entry types node-tar does not know (and oversized metadata) arrive here instead of as 'entry'.
    parser.on('ignoredEntry', (entry: ReadEntry) => {
      chain = chain.then(() => {
        try {
          refuseEntry(entry.path, `has a type this builder does not unpack (${entry.type}).`);
        } catch (error) {
          fail(error);
        }
      });
    });
    parser.on('error', (error: Error) => fail(notATar(error, sawEntry)));
    parser.on('end', settle);
    // The callback sees an error of any stage (a damaged gzip stream, the byte limit), which the last stream
    // alone would not always report.
    const input = pipeline(streams, (error) => {
      if (error) fail(error instanceof SourceError ? error : notATar(error, sawEntry));
    }) as unknown as Readable;
    input.pipe(parser);
  });
}

async function writeEntry(
  entry: ReadEntry,
  body: AsyncIterable<Buffer>,
  target: ExtractionTarget,
): Promise<void> {
  const name = entry.path;
  target.countEntry(name);
  const path = entryPath(name);
  switch (entry.type) {
    case 'Directory':
      await target.directory(name, path);
      return;
    case 'File':
    case 'OldFile':
    case 'ContiguousFile':
      await target.file(name, path, ((entry.mode ?? 0) & 0o111) !== 0, body);
      return;
    case 'SymbolicLink':
      await target.symlink(name, path, entry.linkpath ?? '');
      return;
    case 'Link':
      return refuseEntry(
        name,
        'is a hard link, which is not supported. Create the archive without hard links (copy the file instead).',
      );
    case 'CharacterDevice':
    case 'BlockDevice':
    case 'FIFO':
      return refuseEntry(name, 'is a device or FIFO, which cannot be part of a source archive.');
    default:
      return refuseEntry(name, `has a type this builder does not unpack (${entry.type}).`);
  }
}

/**
 * The chunks of an entry's body, until `aborted` rejects: an entry whose stream is cut off mid-way (the
 * archive failed elsewhere) would otherwise leave its reader waiting forever.
 */
async function* untilAborted(body: AsyncIterable<Buffer>, aborted: Promise<never>): AsyncGenerator<Buffer> {
  const iterator = body[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await iterator.return?.();
  }
}

function notATar(error: Error, sawEntry: boolean): SourceError {
  const code = (error as { code?: string }).code ?? '';
  const detail =
    !sawEntry &&
    /TAR_BAD_ARCHIVE|TAR_ENTRY_INVALID|Unrecognized archive format/.test(`${code} ${error.message}`)
      ? 'it is not a valid tar archive'
      : `it is damaged (${error.message.replace(/^TAR_[A-Z_]+:\s*/, '')})`;
  return new SourceError(`The archive could not be unpacked: ${detail}. Create it again and upload it.`);
}

/**
 * Passes bytes through until more than `limit` have gone by, then fails with `onExceeded()`: bounds the work
 * a decompression bomb made of padding or metadata can cause, on top of the limit on the bytes written.
 */
export class ByteLimit extends Transform {
  private seen = 0;

  constructor(
    private readonly limit: number,
    private readonly onExceeded: () => Error,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.limit) {
      callback(this.onExceeded());
      return;
    }
    callback(null, chunk);
  }
}
