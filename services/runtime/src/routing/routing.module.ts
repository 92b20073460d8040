import { Module } from '@nestjs/common';
import { RuntimeConfig } from '../config/runtime.config';
import { CADDY_ROUTES_OPTIONS, CaddyRoutes, CaddyRoutesOptions } from './caddy-routes';

/** The apps' routes in Caddy. Apps answer on `<app>.localhost` until the base domain becomes configurable. */
@Module({
  providers: [
    {
      provide: CADDY_ROUTES_OPTIONS,
      inject: [RuntimeConfig],
      useFactory: (config: RuntimeConfig): CaddyRoutesOptions => ({ adminUrl: config.CADDY_ADMIN_URL }),
    },
    CaddyRoutes,
  ],
  exports: [CaddyRoutes],
})
export class RoutingModule {}
