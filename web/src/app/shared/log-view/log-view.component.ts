import { DatePipe } from '@angular/common';
import {
  afterRenderEffect,
  ChangeDetectionStrategy,
  Component,
  computed,
  ElementRef,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';

import { IconComponent } from '../icon/icon.component';
import { LogViewLine, matchesSearch } from './log-lines';

/** Pixels from the bottom that still count as "at the bottom" (following). */
const FOLLOW_SLACK_PX = 24;

/**
 * A terminal-like log pane: follows new lines while the reader is at the bottom, stops following when
 * they scroll up (and offers a way back), searches, hides builder noise, and asks its page to download.
 */
@Component({
  selector: 'sw-log-view',
  imports: [
    DatePipe,
    FormsModule,
    IconComponent,
    MatButtonModule,
    MatFormFieldModule,
    MatInputModule,
    MatSlideToggleModule,
  ],
  templateUrl: './log-view.component.html',
  styleUrl: './log-view.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LogViewComponent {
  readonly lines = input.required<readonly LogViewLine[]>();
  readonly label = input('Log');
  /** Lines to emphasise as the failure (e.g. the build's last lines when it failed). */
  readonly failure = input<string | null>(null);
  readonly emptyText = input('No lines yet.');
  readonly download = output();

  protected readonly search = signal('');
  protected readonly showNoise = signal(false);
  protected readonly following = signal(true);
  protected readonly shown = computed(() => {
    const needle = this.search().trim();
    const showNoise = this.showNoise();
    return this.lines().filter((line) => (showNoise || !line.noise) && matchesSearch(line, needle));
  });
  protected readonly hiddenCount = computed(() => this.lines().length - this.shown().length);

  private readonly pane = viewChild.required<ElementRef<HTMLElement>>('pane');

  constructor() {
    // After new lines render, keep the newest in view while following.
    afterRenderEffect(() => {
      this.shown();
      if (this.following()) {
        const pane = this.pane().nativeElement;
        pane.scrollTop = pane.scrollHeight;
      }
    });
  }

  protected onScroll(): void {
    const pane = this.pane().nativeElement;
    const atBottom = pane.scrollHeight - pane.scrollTop - pane.clientHeight <= FOLLOW_SLACK_PX;
    if (atBottom !== this.following()) {
      this.following.set(atBottom);
    }
  }

  protected jumpToLatest(): void {
    this.following.set(true);
    const pane = this.pane().nativeElement;
    pane.scrollTop = pane.scrollHeight;
  }
}
