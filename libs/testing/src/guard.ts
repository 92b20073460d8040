/**
 * Destructive helpers (removing containers, deleting directories) call this first so that they can never run
 * against a developer's real stack by accident: they only work inside jest or with NODE_ENV=test.
 */
export function assertTestEnvironment(operation = 'this helper'): void {
  if (process.env['JEST_WORKER_ID'] !== undefined || process.env['NODE_ENV'] === 'test') {
    return;
  }
  throw new Error(
    `Refusing to run ${operation} outside tests: it deletes things. ` +
      'It runs only under jest (JEST_WORKER_ID) or with NODE_ENV=test.',
  );
}
