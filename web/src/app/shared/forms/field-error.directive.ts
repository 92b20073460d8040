import { Directive, effect, forwardRef, input } from '@angular/core';
import { NG_VALIDATORS, ValidationErrors, Validator } from '@angular/forms';

/**
 * Makes a form control invalid while `swError` holds a message, so Angular Material shows its
 * `<mat-error>` (and links it with aria-describedby). The message comes from the page's own validation
 * (pure functions mirroring the API) or from the server's answer.
 */
@Directive({
  selector: '[swError]',
  providers: [{ provide: NG_VALIDATORS, useExisting: forwardRef(() => FieldErrorDirective), multi: true }],
})
export class FieldErrorDirective implements Validator {
  readonly swError = input<string | null | undefined>(null);
  private revalidate: (() => void) | null = null;

  constructor() {
    effect(() => {
      this.swError();
      this.revalidate?.();
    });
  }

  validate(): ValidationErrors | null {
    const message = this.swError();
    return message ? { message } : null;
  }

  registerOnValidatorChange(revalidate: () => void): void {
    this.revalidate = revalidate;
  }
}
