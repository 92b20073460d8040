import { LogBatchEvent, LogLineEntry, stripAnsi } from '@slipway/contracts';
import { classifyBuildLine } from './analysis/build-output';
import { detectLevel } from './analysis/level';
import { IncomingLine } from './store/log-segment-store';

/** A line of a batch as stored: raw text kept, plus the detected level and display kind. */
export function incomingLineFrom(batch: LogBatchEvent, entry: LogLineEntry): IncomingLine {
  const plain = stripAnsi(entry.text);
  return {
    seq: entry.seq,
    timestampMs: new Date(entry.timestamp).getTime(),
    stream: entry.stream,
    stage: entry.stage ?? null,
    instance: entry.instance ?? null,
    level: detectLevel(plain),
    display: batch.source === 'build' ? classifyBuildLine(plain) : 'normal',
    text: entry.text,
  };
}
