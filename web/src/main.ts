import { bootstrapApplication } from '@angular/platform-browser';

import { AppComponent } from './app/app.component';
import { appConfig } from './app/app.config';

bootstrapApplication(AppComponent, appConfig).catch((error: unknown) => {
  // The app could not start at all: there is no UI to report this in, so the console is the only place.
  // eslint-disable-next-line no-console
  console.error(error);
});
