import { Injectable } from '@nestjs/common';
import { RuntimeConfig } from '../config/runtime.config';

/** Caddy's admin API: the only way the runtime changes routing. */
@Injectable()
export class CaddyAdminClient {
  constructor(private readonly config: RuntimeConfig) {}

  async version(): Promise<string> {
    // Caddy's admin API has no version endpoint; reading the config proves it answers.
    const response = await fetch(new URL('/config/', this.config.CADDY_ADMIN_URL), {
      signal: AbortSignal.timeout(2000),
    });
    if (!response.ok) throw new Error(`admin API answered ${response.status}`);
    return `admin API at ${this.config.CADDY_ADMIN_URL}`;
  }
}
