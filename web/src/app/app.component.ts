import { ChangeDetectionStrategy, Component, computed, ElementRef, inject, viewChild } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatMenuModule } from '@angular/material/menu';
import { MatToolbarModule } from '@angular/material/toolbar';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';

import { AuthStore } from './core/auth/auth.store';
import { ThemeChoice, ThemeService } from './core/theme/theme.service';
import { IconComponent, IconName } from './shared/icon/icon.component';

interface NavLink {
  path: string;
  label: string;
  icon: IconName;
  exact: boolean;
}

const USER_LINKS: readonly NavLink[] = [
  { path: '/', label: 'Dashboard', icon: 'grid', exact: true },
  { path: '/apps/new', label: 'New app', icon: 'plus', exact: true },
];
const ADMIN_LINKS: readonly NavLink[] = [
  { path: '/admin/health', label: 'Health', icon: 'activity', exact: false },
  { path: '/admin/resources', label: 'Resources', icon: 'sliders', exact: false },
  { path: '/admin/users', label: 'Users', icon: 'user', exact: false },
  { path: '/admin/audit', label: 'Audit', icon: 'list', exact: false },
];

const THEME_LABELS: Record<ThemeChoice, string> = {
  system: 'Theme: follow the system',
  light: 'Theme: light',
  dark: 'Theme: dark',
};
const THEME_ICONS: Record<ThemeChoice, IconName> = { system: 'monitor', light: 'sun', dark: 'moon' };
const NEXT_THEME: Record<ThemeChoice, ThemeChoice> = { system: 'light', light: 'dark', dark: 'system' };

/** The portal's frame: skip link, toolbar with navigation, theme and account menus, the routed page. */
@Component({
  selector: 'sw-root',
  imports: [
    IconComponent,
    MatButtonModule,
    MatMenuModule,
    MatToolbarModule,
    RouterLink,
    RouterLinkActive,
    RouterOutlet,
  ],
  templateUrl: './app.component.html',
  styleUrl: './app.component.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AppComponent {
  protected readonly auth = inject(AuthStore);
  protected readonly theme = inject(ThemeService);
  private readonly router = inject(Router);

  protected readonly navLinks = computed(() =>
    this.auth.signedIn() ? [...USER_LINKS, ...(this.auth.isAdmin() ? ADMIN_LINKS : [])] : [],
  );
  protected readonly themeLabel = computed(() => THEME_LABELS[this.theme.choice()]);
  protected readonly themeIcon = computed(() => THEME_ICONS[this.theme.choice()]);
  protected readonly nextThemeLabel = computed(() => THEME_LABELS[NEXT_THEME[this.theme.choice()]]);

  private readonly main = viewChild.required<ElementRef<HTMLElement>>('main');

  /** A plain `#fragment` link would resolve against `<base href>` and reload the app; move focus instead. */
  protected skipToMain(event: Event): void {
    event.preventDefault();
    this.main().nativeElement.focus();
  }

  protected cycleTheme(): void {
    this.theme.set(NEXT_THEME[this.theme.choice()]);
  }

  protected signOut(everywhere: boolean): void {
    this.auth.signOut(everywhere).subscribe(() => void this.router.navigate(['/sign-in']));
  }
}
