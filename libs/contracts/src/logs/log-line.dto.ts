export const LOG_SOURCES = ['build', 'runtime', 'system'] as const;
export type LogSource = (typeof LOG_SOURCES)[number];
export type LogStream = 'stdout' | 'stderr';

/** Detected severity of a line; `null` on the line when nothing in it says. */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * How a UI should show a line; the raw text is always kept.
 * - `step`: a build step header (`Step 3/9 : RUN npm ci`), shown as a heading.
 * - `noise`: builder bookkeeping (` ---> 9f8e7d`, `Removing intermediate container ...`), hidden by default.
 * - `progress`: download or install progress, collapsed to its latest line.
 * - `normal`: everything else.
 */
export const LOG_DISPLAYS = ['normal', 'step', 'noise', 'progress'] as const;
export type LogDisplay = (typeof LOG_DISPLAYS)[number];

export const LOG_ORDERS = ['asc', 'desc'] as const;
export type LogOrder = (typeof LOG_ORDERS)[number];

export interface LogLineDto {
  appId: string;
  deploymentId: string | null;
  source: LogSource;
  stream: LogStream;
  /** Build stage (`install`, `build`, ...) for build lines. */
  stage: string | null;
  /** Container instance for runtime lines. */
  instance: string | null;
  timestamp: string;
  /** Position in its deployment's log (per source); 0 for system lines written for events. */
  seq: number;
  level: LogLevel | null;
  display: LogDisplay;
  /** As received, ANSI colour codes included. */
  text: string;
  /** Trace that produced the line, so a user can follow it into the tracing backend. */
  traceId: string | null;
}

export interface LogPageDto {
  /** In the requested order (oldest first by default). */
  items: LogLineDto[];
  /** Pass back as `cursor` for the next page; `null` when there is nothing more right now. */
  nextCursor: string | null;
}

// Re-exported here so the barrel (libs/contracts/src/index.ts) needs no new line.
export { stripAnsi } from './ansi';
