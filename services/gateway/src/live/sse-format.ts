/** One Server-Sent Events message. `data` is serialised as JSON on a single line. */
export interface SseMessage {
  event: string;
  data: unknown;
  id?: string | number;
}

/** `id: …\nevent: …\ndata: …\n\n`; JSON never contains a raw newline, so `data` is one line. */
export function formatSseMessage(message: SseMessage): string {
  const id = message.id === undefined ? '' : `id: ${String(message.id).replace(/[\r\n]/g, '')}\n`;
  const event = message.event.replace(/[\r\n]/g, '');
  return `${id}event: ${event}\ndata: ${JSON.stringify(message.data)}\n\n`;
}

/** A comment line: clients ignore it, proxies see traffic. */
export function formatSseComment(text: string): string {
  return `: ${text.replace(/[\r\n]/g, ' ')}\n\n`;
}

/**
 * Where a client resumes: `after` from the query string wins, else the browser's `Last-Event-ID`.
 * Returns undefined when neither is given, or throws a sentence for a malformed value.
 */
export function resumeAfter(after: number | undefined, lastEventId: string | undefined): number | undefined {
  if (after !== undefined) return after;
  if (lastEventId === undefined || lastEventId.trim() === '') return undefined;
  if (!/^\d{1,15}$/.test(lastEventId.trim())) {
    throw new RangeError('Last-Event-ID must be a log line seq (a non-negative integer)');
  }
  return Number(lastEventId.trim());
}
