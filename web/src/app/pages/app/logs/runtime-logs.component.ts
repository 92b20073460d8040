import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toObservable } from '@angular/core/rxjs-interop';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatSnackBar } from '@angular/material/snack-bar';
import type { LogLevel, LogSource } from '@slipway/contracts';
import { EMPTY, switchMap } from 'rxjs';

import { ApiClient } from '../../../core/api/api-client.service';
import { ApiError } from '../../../core/api/api-error';
import { LiveLogsClient } from '../../../core/api/live-logs.service';
import { saveBlob } from '../../../shared/download';
import { IconComponent } from '../../../shared/icon/icon.component';
import { appendLines, fromLiveLine, fromStoredLine, LogViewLine } from '../../../shared/log-view/log-lines';
import { LogViewComponent } from '../../../shared/log-view/log-view.component';
import { AppContextStore } from '../app-context.store';

const MAX_LINES = 5_000;
const LEVEL_RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

/** The app's logs as they happen, filtered by source, stream and level; pausable; or from a given time. */
@Component({
  selector: 'sw-runtime-logs',
  imports: [
    FormsModule,
    IconComponent,
    LogViewComponent,
    MatButtonModule,
    MatButtonToggleModule,
    MatFormFieldModule,
    MatInputModule,
    MatSelectModule,
  ],
  templateUrl: './runtime-logs.component.html',
  styleUrl: './runtime-logs.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RuntimeLogsComponent {
  private readonly api = inject(ApiClient);
  private readonly live = inject(LiveLogsClient);
  private readonly snackBar = inject(MatSnackBar);
  private readonly store = inject(AppContextStore);

  protected readonly source = signal<LogSource | ''>('');
  protected readonly stream = signal<'stdout' | 'stderr' | ''>('');
  protected readonly level = signal<LogLevel | ''>('');
  protected readonly paused = signal(false);
  protected readonly connection = signal<'connecting' | 'live' | 'reconnecting'>('connecting');
  /** Set when the user jumped to a time: the view shows stored lines from then instead of the tail. */
  protected readonly historyFrom = signal<string | null>(null);
  protected readonly jumpTo = signal('');
  protected readonly loadingHistory = signal(false);

  private readonly liveLines = signal<LogViewLine[]>([]);
  /** Lines that arrived while paused, shown on resume. */
  private readonly heldLines = signal<LogViewLine[]>([]);
  private readonly historyLines = signal<LogViewLine[]>([]);
  private seen = new Set<string>();

  protected readonly held = computed(() => this.heldLines().length);
  protected readonly shown = computed(() => {
    const stream = this.stream();
    const level = this.level();
    const lines = this.historyFrom() === null ? this.liveLines() : this.historyLines();
    return lines.filter(
      (line) =>
        (!stream || line.stream === stream) &&
        (!level || (line.level !== null && LEVEL_RANK[line.level] <= LEVEL_RANK[level])),
    );
  });

  constructor() {
    toObservable(
      computed(() => ({ appId: this.store.appId(), source: this.source(), history: this.historyFrom() })),
    )
      .pipe(
        switchMap(({ appId, source, history }) => {
          if (history !== null) {
            return EMPTY;
          }
          this.liveLines.set([]);
          this.heldLines.set([]);
          this.seen = new Set();
          this.connection.set('connecting');
          return this.live.follow(appId, source ? { source } : {});
        }),
        takeUntilDestroyed(),
      )
      .subscribe((event) => {
        if (event.type === 'line') {
          const line = fromLiveLine(event.line);
          if (this.paused()) {
            this.heldLines.update((held) => [...held, line].slice(-MAX_LINES));
          } else {
            this.liveLines.update((lines) => appendLines(lines, [line], this.seen, MAX_LINES));
          }
        } else if (event.type === 'connected') {
          this.connection.set('live');
        } else if (event.type === 'reconnecting') {
          this.connection.set('reconnecting');
        }
      });
  }

  protected togglePause(): void {
    if (this.paused()) {
      const held = this.heldLines();
      this.heldLines.set([]);
      this.liveLines.update((lines) => appendLines(lines, held, this.seen, MAX_LINES));
    }
    this.paused.set(!this.paused());
  }

  protected jump(): void {
    const from = this.jumpTo() ? new Date(this.jumpTo()) : null;
    if (!from || Number.isNaN(from.getTime())) {
      return;
    }
    this.loadingHistory.set(true);
    const source = this.source();
    this.api
      .getLogs(this.store.appId(), {
        from: from.toISOString(),
        source: source || undefined,
        order: 'asc',
        limit: 1000,
      })
      .subscribe({
        next: (page) => {
          this.loadingHistory.set(false);
          this.historyLines.set(page.items.map(fromStoredLine));
          this.historyFrom.set(from.toISOString());
        },
        error: (error: unknown) => {
          this.loadingHistory.set(false);
          this.snackBar.open(
            error instanceof ApiError ? error.message : 'Could not load those lines',
            'Close',
          );
        },
      });
  }

  protected backToLive(): void {
    this.historyFrom.set(null);
    this.historyLines.set([]);
  }

  protected download(): void {
    const source = this.source();
    const level = this.level();
    const path = this.api.logsDownloadPath(this.store.appId(), {
      source: source || undefined,
      level: level || undefined,
      from: this.historyFrom() ?? undefined,
    });
    this.api.download(path).subscribe({
      next: (blob) => saveBlob(blob, `${this.store.app()?.name ?? 'app'}-logs.txt`),
      error: (error: unknown) =>
        this.snackBar.open(error instanceof ApiError ? error.message : 'The download failed', 'Close'),
    });
  }
}
