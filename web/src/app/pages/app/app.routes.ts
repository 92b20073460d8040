import { Routes } from '@angular/router';

import { AppShellComponent } from './app-shell.component';

export const APP_ROUTES: Routes = [
  {
    path: '',
    component: AppShellComponent,
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'overview' },
      {
        path: 'overview',
        title: 'App',
        loadComponent: () => import('./overview/app-overview.component').then((m) => m.AppOverviewComponent),
      },
      {
        path: 'deployments',
        title: 'Deployments',
        loadComponent: () =>
          import('./deployments/deployments-page.component').then((m) => m.DeploymentsPageComponent),
      },
      {
        path: 'deployments/:deploymentId',
        title: 'Deployment',
        loadComponent: () =>
          import('./deployments/deployment-page.component').then((m) => m.DeploymentPageComponent),
      },
      {
        path: 'logs',
        title: 'Logs',
        loadComponent: () => import('./logs/runtime-logs.component').then((m) => m.RuntimeLogsComponent),
      },
      {
        path: 'settings',
        title: 'Settings',
        loadComponent: () => import('./settings/app-settings.component').then((m) => m.AppSettingsComponent),
      },
    ],
  },
];
