import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';

const WIDTH = 240;
const HEIGHT = 56;

/** A small line chart of one series, with its latest value in words for screen readers. */
@Component({
  selector: 'sw-sparkline',
  template: `
    <svg
      [attr.viewBox]="'0 0 ' + width + ' ' + viewHeight"
      preserveAspectRatio="none"
      role="img"
      [style.height.px]="height()"
      [attr.aria-label]="label() + ': ' + latest()"
    >
      <path class="area" [attr.d]="area()" />
      <path class="line" [attr.d]="line()" />
    </svg>
    <span class="caption"
      ><span class="sw-muted">{{ label() }}</span> <strong>{{ latest() }}</strong></span
    >
  `,
  styles: `
    :host {
      display: flex;
      flex-direction: column;
      gap: 4px;
    }
    svg {
      width: 100%;
      border-radius: 6px;
      background: var(--mat-sys-surface-container-highest);
    }
    .line {
      fill: none;
      stroke: var(--mat-sys-primary);
      stroke-width: 2;
      vector-effect: non-scaling-stroke;
    }
    .area {
      fill: color-mix(in srgb, var(--mat-sys-primary) 18%, transparent);
    }
    .caption {
      display: flex;
      flex-wrap: wrap;
      gap: 0.4em;
      font: var(--mat-sys-label-medium);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SparklineComponent {
  readonly values = input.required<readonly number[]>();
  readonly label = input.required<string>();
  /** Formats the latest value ("12 %", "140 MB"). */
  readonly format = input<(value: number) => string>((value) => String(Math.round(value)));
  /** The top of the scale; the largest value when not given. */
  readonly max = input<number | null>(null);
  /** Drawn height in pixels; the series is stretched to it. */
  readonly height = input(HEIGHT);

  protected readonly width = WIDTH;
  protected readonly viewHeight = HEIGHT;

  private readonly points = computed(() => {
    // A single value is drawn as a flat line across the chart rather than a dot at its left edge.
    const given = this.values();
    const values = given.length === 1 ? [given[0] as number, given[0] as number] : given;
    const top = Math.max(this.max() ?? 0, ...values, 1e-9);
    const step = values.length > 1 ? WIDTH / (values.length - 1) : WIDTH;
    return values.map((value, index) => [index * step, HEIGHT - 2 - (value / top) * (HEIGHT - 4)] as const);
  });
  protected readonly line = computed(() =>
    this.points()
      .map(([x, y], index) => `${index === 0 ? 'M' : 'L'}${x.toFixed(1)} ${y.toFixed(1)}`)
      .join(' '),
  );
  protected readonly area = computed(() => {
    const points = this.points();
    return points.length === 0 ? '' : `${this.line()} L${WIDTH} ${HEIGHT} L0 ${HEIGHT} Z`;
  });
  protected readonly latest = computed(() => {
    const values = this.values();
    const last = values[values.length - 1];
    return last === undefined ? 'no data' : this.format()(last);
  });
}
