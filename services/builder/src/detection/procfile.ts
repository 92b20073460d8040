/**
 * The `web:` command of a Procfile (Heroku's format: one `<process type>: <command>` per line, `#` comments).
 * Undefined when there is no `web` line or it is empty.
 */
export function procfileWebCommand(text: string): string | undefined {
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([A-Za-z0-9_-]+)\s*:\s*(.*?)\s*$/.exec(line);
    if (match?.[1] === 'web' && match[2]) return match[2];
  }
  return undefined;
}
