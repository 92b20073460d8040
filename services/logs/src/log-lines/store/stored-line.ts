import { LogDisplay, LogLevel, LogLineDto, LogSource, LogStream } from '@slipway/contracts';

/** Where a line sits in reading order: (timestamp, seq, order), a total order. */
export interface LinePosition {
  timestampMs: number;
  seq: number;
  /** `<chunk id>#<index in chunk>`: unique per line, breaks ties between lines of equal time and seq. */
  order: string;
}

/** A stored line, unpacked from its chunk. */
export interface StoredLine extends LinePosition {
  appId: string;
  deploymentId: string | null;
  source: LogSource;
  stream: LogStream;
  stage: string | null;
  instance: string | null;
  level: LogLevel | null;
  display: LogDisplay;
  /** As received, ANSI colour codes included. */
  text: string;
  traceId: string | null;
}

export function compareLines(a: LinePosition, b: LinePosition): number {
  if (a.timestampMs !== b.timestampMs) return a.timestampMs - b.timestampMs;
  if (a.seq !== b.seq) return a.seq - b.seq;
  return a.order < b.order ? -1 : a.order > b.order ? 1 : 0;
}

export function toLogLineDto(line: StoredLine): LogLineDto {
  return {
    appId: line.appId,
    deploymentId: line.deploymentId,
    source: line.source,
    stream: line.stream,
    stage: line.stage,
    instance: line.instance,
    timestamp: new Date(line.timestampMs).toISOString(),
    seq: line.seq,
    level: line.level,
    display: line.display,
    text: line.text,
    traceId: line.traceId,
  };
}
