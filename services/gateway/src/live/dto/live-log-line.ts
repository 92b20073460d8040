import { LogLineDto, LogLineEntry, LogSource } from '@slipway/contracts';

/** `data` of an `event: line` message: a log line as the live tail sends it, replayed or live. */
export interface LiveLogLine {
  seq: number;
  deploymentId: string | null;
  source: LogSource;
  stream: 'stdout' | 'stderr';
  stage: string | null;
  timestamp: string;
  text: string;
}

export function fromStoredLine(line: LogLineDto): LiveLogLine {
  const { seq, deploymentId, source, stream, stage, timestamp, text } = line;
  return { seq, deploymentId, source, stream, stage, timestamp, text };
}

export function fromBatchEntry(deploymentId: string, source: LogSource, entry: LogLineEntry): LiveLogLine {
  const { seq, stream, timestamp, text } = entry;
  return { seq, deploymentId, source, stream, stage: entry.stage ?? null, timestamp, text };
}
