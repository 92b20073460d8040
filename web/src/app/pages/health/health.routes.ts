import { Routes } from '@angular/router';

import { HealthPageComponent } from './health-page.component';

export const HEALTH_ROUTES: Routes = [{ path: '', title: 'Platform health', component: HealthPageComponent }];
