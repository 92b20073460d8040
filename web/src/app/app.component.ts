import { ChangeDetectionStrategy, Component, ElementRef, viewChild } from '@angular/core';
import { MatToolbarModule } from '@angular/material/toolbar';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';

/** The portal's frame: skip link, top toolbar with navigation, and the routed page. */
@Component({
  selector: 'sw-root',
  imports: [MatToolbarModule, RouterLink, RouterLinkActive, RouterOutlet],
  templateUrl: './app.component.html',
  styleUrl: './app.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AppComponent {
  protected readonly navLinks = [{ path: '/', label: 'Health', exact: true }] as const;

  private readonly main = viewChild.required<ElementRef<HTMLElement>>('main');

  /** A plain `#fragment` link would resolve against `<base href>` and reload the app; move focus instead. */
  protected skipToMain(event: Event): void {
    event.preventDefault();
    this.main().nativeElement.focus();
  }
}
