import { Routes } from '@angular/router';

import { adminGuard, signedInGuard, signedOutGuard } from './core/auth/auth.guards';

export const routes: Routes = [
  {
    path: '',
    pathMatch: 'full',
    canActivate: [signedInGuard],
    title: 'Dashboard',
    loadComponent: () =>
      import('./pages/dashboard/dashboard-page.component').then((m) => m.DashboardPageComponent),
  },
  {
    path: 'sign-in',
    canActivate: [signedOutGuard],
    title: 'Sign in',
    data: { mode: 'sign-in' },
    loadComponent: () => import('./pages/auth/auth-page.component').then((m) => m.AuthPageComponent),
  },
  {
    path: 'sign-up',
    canActivate: [signedOutGuard],
    title: 'Sign up',
    data: { mode: 'sign-up' },
    loadComponent: () => import('./pages/auth/auth-page.component').then((m) => m.AuthPageComponent),
  },
  {
    path: 'profile',
    canActivate: [signedInGuard],
    title: 'Profile',
    loadComponent: () => import('./pages/profile/profile-page.component').then((m) => m.ProfilePageComponent),
  },
  {
    path: 'apps/new',
    canActivate: [signedInGuard],
    title: 'New app',
    loadComponent: () =>
      import('./pages/create-app/create-app-page.component').then((m) => m.CreateAppPageComponent),
  },
  {
    path: 'apps/:appId',
    canActivate: [signedInGuard],
    loadChildren: () => import('./pages/app/app.routes').then((m) => m.APP_ROUTES),
  },
  {
    path: 'admin',
    canActivate: [adminGuard],
    loadChildren: () => import('./pages/admin/admin.routes').then((m) => m.ADMIN_ROUTES),
  },
  // The gateway answers /health itself (liveness), so the portal's health page lives under /admin.
  { path: 'health', redirectTo: 'admin/health' },
  {
    path: 'forbidden',
    title: 'Not allowed',
    loadComponent: () =>
      import('./pages/not-found/not-found-page.component').then((m) => m.ForbiddenPageComponent),
  },
  {
    path: '**',
    title: 'Page not found',
    loadComponent: () =>
      import('./pages/not-found/not-found-page.component').then((m) => m.NotFoundPageComponent),
  },
];
