// Angular component specs (the `components` jest project): the contracts' decorators need
// reflect-metadata, as in the browser build; the portal runs without zone.js, and so do its tests.
import 'reflect-metadata';
import { setupZonelessTestEnv } from 'jest-preset-angular/setup-env/zoneless';

setupZonelessTestEnv();
