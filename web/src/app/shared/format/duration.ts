const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A short human duration, at most two units: "45 s", "3 min", "2 h 5 min", "4 d 6 h".
 * Negative or non-finite input (clock skew, missing data) is treated as zero.
 */
export function formatDuration(totalSeconds: number): string {
  const seconds = Number.isFinite(totalSeconds) ? Math.max(0, Math.floor(totalSeconds)) : 0;
  if (seconds < MINUTE) {
    return `${seconds} s`;
  }
  if (seconds < HOUR) {
    return `${Math.floor(seconds / MINUTE)} min`;
  }
  if (seconds < DAY) {
    return withRemainder(Math.floor(seconds / HOUR), 'h', Math.floor((seconds % HOUR) / MINUTE), 'min');
  }
  return withRemainder(Math.floor(seconds / DAY), 'd', Math.floor((seconds % DAY) / HOUR), 'h');
}

/** How long ago something happened: "just now", "4 s ago", "3 min ago". */
export function formatAge(secondsAgo: number): string {
  return secondsAgo < 1 ? 'just now' : `${formatDuration(secondsAgo)} ago`;
}

function withRemainder(major: number, majorUnit: string, minor: number, minorUnit: string): string {
  return minor > 0 ? `${major} ${majorUnit} ${minor} ${minorUnit}` : `${major} ${majorUnit}`;
}
