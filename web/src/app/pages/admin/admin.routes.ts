import { Routes } from '@angular/router';

export const ADMIN_ROUTES: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'health' },
  {
    path: 'health',
    title: 'Platform health',
    loadComponent: () => import('./health/health-page.component').then((m) => m.HealthPageComponent),
  },
  {
    path: 'resources',
    title: 'Resources',
    loadComponent: () => import('./resources/resources-page.component').then((m) => m.ResourcesPageComponent),
  },
  {
    path: 'users',
    title: 'Users',
    loadComponent: () => import('./users/users-page.component').then((m) => m.UsersPageComponent),
  },
  {
    path: 'audit',
    title: 'Audit log',
    loadComponent: () => import('./audit/audit-page.component').then((m) => m.AuditPageComponent),
  },
];
