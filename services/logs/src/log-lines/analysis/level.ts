import { LogLevel } from '@slipway/contracts';

const LEVEL_NAMES: Record<string, LogLevel> = {
  fatal: 'error',
  panic: 'error',
  emerg: 'error',
  alert: 'error',
  crit: 'error',
  critical: 'error',
  error: 'error',
  err: 'error',
  warn: 'warn',
  warning: 'warn',
  notice: 'info',
  info: 'info',
  information: 'info',
  debug: 'debug',
  trace: 'debug',
  verbose: 'debug',
  silly: 'debug',
};

function fromName(name: string): LogLevel | null {
  return LEVEL_NAMES[name.toLowerCase()] ?? null;
}

/** pino / bunyan numeric levels: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal. */
function fromNumber(level: number): LogLevel {
  if (level >= 50) return 'error';
  if (level >= 40) return 'warn';
  if (level >= 30) return 'info';
  return 'debug';
}

function fromJson(line: string): LogLevel | null | undefined {
  if (!line.startsWith('{') || !line.endsWith('}')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const record = parsed as Record<string, unknown>;
  const level = record['level'] ?? record['severity'] ?? record['lvl'];
  if (typeof level === 'number') return fromNumber(level);
  if (typeof level === 'string') return fromName(level);
  return undefined;
}

const PACKAGE_MANAGER: Array<[RegExp, LogLevel]> = [
  [/^npm (ERR!|error)/, 'error'],
  [/^npm (WARN|warn)/, 'warn'],
  // yarn v1 prefixes
  [/^error\s/, 'error'],
  [/^warning\s/, 'warn'],
];
const LOGFMT = /(?:^|\s)(?:level|lvl|severity)=["']?([a-zA-Z]+)/;
const BRACKETED = /\[(fatal|error|err|warn|warning|info|notice|debug|trace)\]/i;
// Bare markers are upper case only: "error" inside a sentence says little, "ERROR" is a marker.
const BARE = /\b(FATAL|PANIC|CRITICAL|ERROR|ERR|WARNING|WARN|INFO|NOTICE|DEBUG|TRACE)\b/;
const EXCEPTION = /^(?:[A-Z]\w*)?(?:Error|Exception):\s/;
const STACK_FRAME = /^\s+at\s.+:\d+:\d+\)?$/;
const DOCKER_FAILURE = /^The command '.*' returned a non-zero code: \d+/;

/**
 * The severity a line states, from common markers: a JSON `level` (pino numbers or names), `level=`
 * (logfmt), `[WARN]`, a bare `ERROR`/`WARN`/`INFO`/`DEBUG`, npm's and yarn's prefixes, exceptions and
 * their stack frames. `null` when nothing says: a line on stderr is not necessarily an error.
 */
export function detectLevel(plain: string): LogLevel | null {
  const line = plain.trim();
  if (line === '') return null;
  const json = fromJson(line);
  if (json !== undefined) return json;
  for (const [pattern, level] of PACKAGE_MANAGER) if (pattern.test(line)) return level;
  const logfmt = LOGFMT.exec(line)?.[1];
  if (logfmt && fromName(logfmt)) return fromName(logfmt);
  const bracketed = BRACKETED.exec(line)?.[1];
  if (bracketed) return fromName(bracketed);
  const bare = BARE.exec(line)?.[1];
  if (bare) return fromName(bare);
  if (EXCEPTION.test(line) || STACK_FRAME.test(plain) || DOCKER_FAILURE.test(line)) return 'error';
  return null;
}
