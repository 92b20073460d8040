import { inject, Injectable } from '@angular/core';
import type { LogSource } from '@slipway/contracts';
import { Observable } from 'rxjs';

import { AuthStore } from '../auth/auth.store';
import { API_BASE_URL } from './api-client.service';
import { SseParser } from './sse-parser';

/** `event: line` of `GET /apps/:id/logs/live` (services/gateway/src/live/dto/live-log-line.ts). */
export interface LiveLogLine {
  seq: number;
  deploymentId: string | null;
  source: LogSource;
  stream: 'stdout' | 'stderr';
  stage: string | null;
  timestamp: string;
  text: string;
}

/** `event: progress`: build.progressed.v1. */
export interface LiveProgress {
  deploymentId: string;
  appId: string;
  stage: string;
  percent: number;
  queuePosition?: number;
  occurredAt: string;
}

export type LiveLogEvent =
  | { type: 'line'; line: LiveLogLine }
  | { type: 'progress'; progress: LiveProgress }
  | { type: 'skipped' | 'truncated'; detail: unknown }
  | { type: 'connected' }
  | { type: 'reconnecting'; reason: string };

export interface LiveLogsQuery {
  deploymentId?: string;
  source?: LogSource;
}

const RETRY_MS = [1_000, 2_000, 5_000, 10_000];

/**
 * The live log tail as an Observable. Uses fetch rather than EventSource, which cannot send the
 * `Authorization` header; reconnects on its own, resuming after the last line seen (`Last-Event-ID`),
 * and renews the access token when the gateway answers 401.
 */
@Injectable({ providedIn: 'root' })
export class LiveLogsClient {
  private readonly auth = inject(AuthStore);
  private readonly baseUrl = inject(API_BASE_URL);

  follow(appId: string, query: LiveLogsQuery = {}): Observable<LiveLogEvent> {
    return new Observable<LiveLogEvent>((subscriber) => {
      const abort = new AbortController();
      let lastEventId: string | null = null;
      let attempt = 0;

      const connect = async (): Promise<void> => {
        while (!abort.signal.aborted) {
          try {
            const response = await this.open(appId, query, lastEventId, abort.signal);
            if (response.status === 401 && (await this.renew())) {
              continue;
            }
            if (!response.ok || !response.body) {
              throw new Error(`the gateway answered HTTP ${response.status}`);
            }
            attempt = 0;
            subscriber.next({ type: 'connected' });
            const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
            const parser = new SseParser();
            for (;;) {
              const { value, done } = await reader.read();
              if (done) {
                break;
              }
              for (const event of parser.push(value)) {
                // Line seqs count per deployment and source: only then is "resume after seq" exact.
                // A wider tail replays stored lines on reconnect, and the viewer drops the duplicates.
                if (query.deploymentId && query.source) {
                  lastEventId = event.id ?? lastEventId;
                }
                const parsed = toLiveEvent(event.event, event.data);
                if (parsed) {
                  subscriber.next(parsed);
                }
              }
            }
            throw new Error('the stream ended');
          } catch (error) {
            if (abort.signal.aborted) {
              return;
            }
            const delay = RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)] ?? 10_000;
            subscriber.next({
              type: 'reconnecting',
              reason: error instanceof Error ? error.message : 'the connection dropped',
            });
            await new Promise((resolve) => setTimeout(resolve, delay));
          }
        }
      };
      void connect();
      return () => abort.abort();
    });
  }

  private open(
    appId: string,
    query: LiveLogsQuery,
    lastEventId: string | null,
    signal: AbortSignal,
  ): Promise<Response> {
    const params = new URLSearchParams();
    if (query.deploymentId) params.set('deploymentId', query.deploymentId);
    if (query.source) params.set('source', query.source);
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    const token = this.auth.accessToken();
    if (token) headers['Authorization'] = `Bearer ${token}`;
    if (lastEventId) headers['Last-Event-ID'] = lastEventId;
    const search = params.toString();
    return fetch(`${this.baseUrl}/apps/${encodeURIComponent(appId)}/logs/live${search ? `?${search}` : ''}`, {
      headers,
      signal,
      cache: 'no-store',
    });
  }

  private renew(): Promise<boolean> {
    return new Promise((resolve) =>
      this.auth.renewAccessToken().subscribe({
        next: (token) => resolve(token !== null),
        error: () => resolve(false),
      }),
    );
  }
}

function toLiveEvent(type: string, data: string): LiveLogEvent | null {
  let payload: unknown;
  try {
    payload = JSON.parse(data);
  } catch {
    return null;
  }
  switch (type) {
    case 'line':
      return { type: 'line', line: payload as LiveLogLine };
    case 'progress':
      return { type: 'progress', progress: payload as LiveProgress };
    case 'skipped':
    case 'truncated':
      return { type, detail: payload };
    default:
      return null;
  }
}
