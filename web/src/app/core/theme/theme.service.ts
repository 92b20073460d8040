import { DOCUMENT } from '@angular/common';
import { effect, inject, Injectable, signal } from '@angular/core';

export const THEME_CHOICES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];

const STORAGE_KEY = 'slipway.theme';

/**
 * Light, dark, or whatever the system says (the default). The Material theme is written with
 * `light-dark()`, so choosing a theme is only setting `color-scheme` on the root element.
 */
@Injectable({ providedIn: 'root' })
export class ThemeService {
  private readonly root = inject(DOCUMENT).documentElement;
  readonly choice = signal<ThemeChoice>(readStoredChoice());

  constructor() {
    effect(() => {
      const choice = this.choice();
      this.root.style.colorScheme = choice === 'system' ? 'light dark' : choice;
      this.root.dataset['theme'] = choice;
      try {
        localStorage.setItem(STORAGE_KEY, choice);
      } catch {
        // Not remembered across reloads; the choice still applies now.
      }
    });
  }

  set(choice: ThemeChoice): void {
    this.choice.set(choice);
  }
}

function readStoredChoice(): ThemeChoice {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return (THEME_CHOICES as readonly string[]).includes(stored ?? '') ? (stored as ThemeChoice) : 'system';
  } catch {
    return 'system';
  }
}
