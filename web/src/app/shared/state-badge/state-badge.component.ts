import { ChangeDetectionStrategy, Component, input } from '@angular/core';

/** How a state should read at a glance; the label always says it in words too. */
export type StateTone = 'ok' | 'busy' | 'bad' | 'idle';

/** A small pill: coloured dot (pulsing while busy) plus the state in words. */
@Component({
  selector: 'sw-state-badge',
  template: `<span class="dot" aria-hidden="true"></span><span>{{ label() }}</span>`,
  styles: `
    :host {
      --badge-bg: var(--mat-sys-surface-container-highest);
      --badge-fg: var(--mat-sys-on-surface-variant);
      --badge-dot: var(--mat-sys-outline);
      display: inline-flex;
      align-items: center;
      gap: 6px;
      padding: 2px 10px 2px 8px;
      border-radius: var(--mat-sys-corner-full);
      background: var(--badge-bg);
      color: var(--badge-fg);
      font: var(--mat-sys-label-large);
      white-space: nowrap;
    }
    :host([data-tone='ok']) {
      --badge-bg: var(--sw-status-up-container);
      --badge-fg: var(--sw-status-up-on-container);
      --badge-dot: var(--sw-status-up);
    }
    :host([data-tone='busy']) {
      --badge-bg: var(--sw-status-degraded-container);
      --badge-fg: var(--sw-status-degraded-on-container);
      --badge-dot: var(--sw-status-degraded);
    }
    :host([data-tone='bad']) {
      --badge-bg: var(--sw-status-down-container);
      --badge-fg: var(--sw-status-down-on-container);
      --badge-dot: var(--sw-status-down);
    }
    .dot {
      width: 8px;
      height: 8px;
      border-radius: 50%;
      background: var(--badge-dot);
    }
    :host([data-tone='busy']) .dot {
      animation: pulse 1.2s ease-in-out infinite;
    }
    @keyframes pulse {
      50% {
        opacity: 0.3;
      }
    }
  `,
  host: { '[attr.data-tone]': 'tone()', '[attr.data-state]': 'label()' },
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class StateBadgeComponent {
  readonly tone = input.required<StateTone>();
  readonly label = input.required<string>();
}
