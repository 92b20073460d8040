import { Module } from '@nestjs/common';
import { RuntimeConfig } from '../config/runtime.config';
import { CADDY_ROUTES_OPTIONS, CaddyRoutes, CaddyRoutesOptions } from './caddy-routes';

/** The apps' routes in Caddy; apps answer on `<app>.<BASE_DOMAIN>`. */
@Module({
  providers: [
    {
      provide: CADDY_ROUTES_OPTIONS,
      inject: [RuntimeConfig],
      useFactory: (config: RuntimeConfig): CaddyRoutesOptions => ({
        adminUrl: config.CADDY_ADMIN_URL,
        baseDomain: config.BASE_DOMAIN,
      }),
    },
    CaddyRoutes,
  ],
  exports: [CaddyRoutes],
})
export class RoutingModule {}
