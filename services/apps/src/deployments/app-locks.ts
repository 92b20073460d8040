import { Injectable } from '@nestjs/common';

/**
 * Runs work on one app's deployments one piece at a time. FerretDB applies an update as read, modify,
 * write without isolating concurrent updates of the same document, so two consumers moving the same
 * deployment at once could lose one change (seen: a build's progress overwrote its move to releasing).
 * Serialising per app inside the service removes that race; one apps instance is assumed.
 */
@Injectable()
export class AppLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(appId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(appId) ?? Promise.resolve();
    let release = () => undefined as void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.tails.set(appId, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(appId) === tail) this.tails.delete(appId);
    }
  }
}
