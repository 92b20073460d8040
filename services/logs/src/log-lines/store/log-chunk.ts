import { LogDisplay, LogLevel, LogSource } from '@slipway/contracts';
import { StoredLine } from './stored-line';

/**
 * Lines of one batch as one document in a segment collection. The lines are packed into a single JSON
 * string: FerretDB decodes every field of every document it reads, about 10 µs a value on SQLite, so a
 * line stored as a sub-document with a dozen fields costs far more to read than its bytes in one string.
 */
export interface LogChunkDocument {
  /** `<deploymentId>:<source>:<first seq>` for batch lines, `event:<message id>` for event lines. */
  _id: string;
  appId: string;
  deploymentId: string | null;
  source: LogSource;
  traceId: string | null;
  count: number;
  minTs: number;
  maxTs: number;
  /** JSON of PackedLine[]. */
  lines: string;
}

/** [seq, epoch ms, stderr?1:0, stage, instance, level, display, text] */
export type PackedLine = [
  number,
  number,
  0 | 1,
  string | null,
  string | null,
  LogLevel | null,
  LogDisplay,
  string,
];

export type ChunkLine = Omit<StoredLine, 'appId' | 'deploymentId' | 'source' | 'traceId' | 'order'>;

export function packChunk(
  id: string,
  context: Pick<LogChunkDocument, 'appId' | 'deploymentId' | 'source' | 'traceId'>,
  lines: ChunkLine[],
): LogChunkDocument {
  let minTs = Number.POSITIVE_INFINITY;
  let maxTs = Number.NEGATIVE_INFINITY;
  const packed: PackedLine[] = lines.map((line) => {
    minTs = Math.min(minTs, line.timestampMs);
    maxTs = Math.max(maxTs, line.timestampMs);
    return [
      line.seq,
      line.timestampMs,
      line.stream === 'stderr' ? 1 : 0,
      line.stage,
      line.instance,
      line.level,
      line.display,
      line.text,
    ];
  });
  return { _id: id, ...context, count: lines.length, minTs, maxTs, lines: JSON.stringify(packed) };
}

export function unpackChunk(chunk: LogChunkDocument): StoredLine[] {
  const packed = JSON.parse(chunk.lines) as PackedLine[];
  return packed.map(([seq, timestampMs, stderr, stage, instance, level, display, text], index) => ({
    appId: chunk.appId,
    deploymentId: chunk.deploymentId,
    source: chunk.source,
    traceId: chunk.traceId,
    stream: stderr ? 'stderr' : 'stdout',
    stage,
    instance,
    level,
    display,
    text,
    seq,
    timestampMs,
    order: `${chunk._id}#${String(index).padStart(5, '0')}`,
  }));
}
