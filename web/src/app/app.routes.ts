import { Routes } from '@angular/router';

export const routes: Routes = [
  // The portal's home is platform health, at `/`. `/health` is only an in-app alias: on the gateway's origin
  // a request for /health reaches the gateway's own liveness endpoint, never this app.
  {
    path: '',
    pathMatch: 'full',
    loadChildren: () => import('./pages/health/health.routes').then((m) => m.HEALTH_ROUTES),
  },
  { path: 'health', redirectTo: '' },
  {
    path: '**',
    title: 'Page not found',
    loadComponent: () =>
      import('./pages/not-found/not-found-page.component').then((m) => m.NotFoundPageComponent),
  },
];
