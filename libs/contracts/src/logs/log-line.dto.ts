export const LOG_SOURCES = ['build', 'runtime', 'system'] as const;
export type LogSource = (typeof LOG_SOURCES)[number];
export type LogStream = 'stdout' | 'stderr';

export interface LogLineDto {
  appId: string;
  deploymentId: string | null;
  source: LogSource;
  stream: LogStream;
  timestamp: string;
  text: string;
  /** Trace that produced the line, so a user can follow it into the tracing backend. */
  traceId: string | null;
}

export interface LogPageDto {
  items: LogLineDto[];
}
