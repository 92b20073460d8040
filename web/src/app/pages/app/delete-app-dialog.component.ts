import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';

/** Deleting is final: the user types the app's name to confirm. Closes with `true` when confirmed. */
@Component({
  selector: 'sw-delete-app-dialog',
  imports: [FormsModule, MatButtonModule, MatDialogModule, MatFormFieldModule, MatInputModule],
  template: `
    <h2 mat-dialog-title>Delete {{ data.name }}?</h2>
    <mat-dialog-content>
      <p>
        Its containers stop, its URL stops answering, and its deployments, releases and environment variables
        are deleted. This cannot be undone.
      </p>
      <mat-form-field appearance="outline" class="sw-full">
        <mat-label>Type {{ data.name }} to confirm</mat-label>
        <input
          matInput
          name="confirm"
          autocomplete="off"
          spellcheck="false"
          data-testid="delete-confirm-input"
          [ngModel]="typed()"
          (ngModelChange)="typed.set($event)"
          (keydown.enter)="matches() && confirm()"
          cdkFocusInitial
        />
      </mat-form-field>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" [mat-dialog-close]="false">Cancel</button>
      <button
        mat-flat-button
        type="button"
        class="danger"
        data-testid="delete-confirm"
        [disabled]="!matches()"
        [mat-dialog-close]="true"
      >
        Delete app
      </button>
    </mat-dialog-actions>
  `,
  styles: `
    .danger:not([disabled]) {
      background: var(--mat-sys-error);
      color: var(--mat-sys-on-error);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DeleteAppDialogComponent {
  protected readonly data = inject<{ name: string }>(MAT_DIALOG_DATA);
  protected readonly typed = signal('');
  protected readonly matches = computed(() => this.typed().trim() === this.data.name);

  protected confirm(): void {
    document.querySelector<HTMLButtonElement>('[data-testid="delete-confirm"]')?.click();
  }
}
