import type { NavigationError } from '@angular/router';

const RELOADED_KEY = 'slipway.reloadedFor';

/**
 * A lazy page's file could not be fetched: after a new portal build its hashed file names change, and a
 * flaky network drops a request now and then. Load the target URL afresh, once per URL, instead of
 * leaving the user on a page that silently did not change.
 */
export function reloadOnStaleChunk(error: NavigationError): void {
  const message = error.error instanceof Error ? error.error.message : String(error.error);
  if (!/dynamically imported module|Importing a module script failed|ChunkLoadError/i.test(message)) {
    return;
  }
  try {
    if (sessionStorage.getItem(RELOADED_KEY) === error.url) {
      return;
    }
    sessionStorage.setItem(RELOADED_KEY, error.url);
  } catch {
    return;
  }
  location.assign(error.url);
}
