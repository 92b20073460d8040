import { LogBatchEvent, LogLineEntry, stripAnsi } from '@slipway/contracts';
import { classifyBuildLine } from './analysis/build-output';
import { detectLevel } from './analysis/level';
import { LogLine } from './schemas/log-line.schema';

/** The idempotency key of a line from a log batch. */
export function batchLineKey(deploymentId: string, source: string, seq: number): string {
  return `${deploymentId}:${source}:${seq}`;
}

/** A line of a batch as stored: raw text kept, plus the plain text, detected level and display kind. */
export function storedLineFrom(batch: LogBatchEvent, entry: LogLineEntry, traceId: string | null): LogLine {
  const plain = stripAnsi(entry.text);
  return {
    appId: batch.appId,
    deploymentId: batch.deploymentId,
    source: batch.source,
    stream: entry.stream,
    stage: entry.stage ?? null,
    instance: null,
    timestamp: new Date(entry.timestamp),
    seq: entry.seq,
    level: detectLevel(plain),
    display: batch.source === 'build' ? classifyBuildLine(plain) : 'normal',
    text: entry.text,
    plain,
    traceId,
    key: batchLineKey(batch.deploymentId, batch.source, entry.seq),
  };
}
