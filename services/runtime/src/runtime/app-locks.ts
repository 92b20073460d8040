import { KeyedLock } from '@slipway/nest-mongo';

/**
 * Runs work for one app at a time, in arrival order: a release, a lifecycle operation and a reconciliation
 * pass of the same app never interleave (nor do their writes of the app's records), while different apps
 * proceed in parallel.
 */
export class AppLocks extends KeyedLock {}
