import { inject } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';

import { AuthStore } from './auth.store';

/** Pages for signed-in users: others go to sign-in and come back afterwards. */
export const signedInGuard: CanActivateFn = (_route, state) => {
  if (inject(AuthStore).signedIn()) {
    return true;
  }
  return inject(Router).createUrlTree(['/sign-in'], { queryParams: { returnUrl: state.url } });
};

/** Sign-in and sign-up: a signed-in user goes to the dashboard instead. */
export const signedOutGuard: CanActivateFn = () =>
  inject(AuthStore).signedIn() ? inject(Router).createUrlTree(['/']) : true;

/** Admin pages. A signed-in non-admin sees the not-allowed page rather than a redirect loop. */
export const adminGuard: CanActivateFn = (_route, state) => {
  const auth = inject(AuthStore);
  const router = inject(Router);
  if (!auth.signedIn()) {
    return router.createUrlTree(['/sign-in'], { queryParams: { returnUrl: state.url } });
  }
  return auth.isAdmin() ? true : router.createUrlTree(['/forbidden']);
};
