import { type LogLevel, type LogLineDto, stripAnsi } from '@slipway/contracts';

import type { LiveLogLine } from '../../core/api/live-logs.service';

/** A log line ready to show: colour codes removed, a stable key, a level (stored or guessed). */
export interface LogViewLine {
  key: string;
  timestamp: string;
  text: string;
  stream: 'stdout' | 'stderr';
  source: string;
  stage: string | null;
  level: LogLevel | null;
  /** Builder bookkeeping the viewer hides unless asked. */
  noise: boolean;
  /** A build step header, shown as a heading. */
  step: boolean;
}

const ERROR_WORDS = /\b(error|fatal|panic|exception|failed)\b|\berr!/i;
const WARN_WORDS = /\b(warn|warning|deprecated)\b/i;
const STEP_LINE = /^(Step \d+\/\d+ :|#\d+ \[)/;
const NOISE_LINE = /^( ---> |Removing intermediate container|Successfully tagged )/;

/** What the stored line says, or a guess from its words (live lines carry no level). */
export function guessLevel(text: string, stream: 'stdout' | 'stderr'): LogLevel | null {
  if (ERROR_WORDS.test(text)) return 'error';
  if (WARN_WORDS.test(text)) return 'warn';
  return stream === 'stderr' ? 'warn' : null;
}

export function fromStoredLine(line: LogLineDto): LogViewLine {
  const text = stripAnsi(line.text);
  return {
    key: `${line.deploymentId ?? '-'}:${line.source}:${line.seq}:${line.seq === 0 ? line.timestamp : ''}`,
    timestamp: line.timestamp,
    text,
    stream: line.stream,
    source: line.source,
    stage: line.stage,
    level: line.level ?? guessLevel(text, line.stream),
    noise: line.display === 'noise',
    step: line.display === 'step',
  };
}

export function fromLiveLine(line: LiveLogLine): LogViewLine {
  const text = stripAnsi(line.text);
  return {
    key: `${line.deploymentId ?? '-'}:${line.source}:${line.seq}:${line.seq === 0 ? line.timestamp : ''}`,
    timestamp: line.timestamp,
    text,
    stream: line.stream,
    source: line.source,
    stage: line.stage,
    level: guessLevel(text, line.stream),
    noise: NOISE_LINE.test(text),
    step: STEP_LINE.test(text),
  };
}

/**
 * Appends lines not seen yet (a reconnect replays stored lines), keeping at most `limit` — the
 * newest — so a long tail does not grow the page without end.
 */
export function appendLines(
  existing: readonly LogViewLine[],
  incoming: readonly LogViewLine[],
  seen: Set<string>,
  limit: number,
): LogViewLine[] {
  const fresh = incoming.filter((line) => {
    if (seen.has(line.key)) return false;
    seen.add(line.key);
    return true;
  });
  if (fresh.length === 0) {
    return existing as LogViewLine[];
  }
  const all = existing.concat(fresh);
  return all.length > limit ? all.slice(all.length - limit) : all;
}

/** Plain text for a download: `<time> <stream> <text>` per line. */
export function linesAsText(lines: readonly LogViewLine[]): string {
  return lines.map((line) => `${line.timestamp} ${line.stream} ${line.text}`).join('\n') + '\n';
}

/** Lines whose text contains `needle` (case-insensitive); all lines for an empty needle. */
export function matchesSearch(line: LogViewLine, needle: string): boolean {
  return !needle || line.text.toLowerCase().includes(needle.toLowerCase());
}
