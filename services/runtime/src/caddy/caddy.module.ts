import { Module } from '@nestjs/common';
import { CaddyAdminClient } from './caddy-admin.client';
import { CaddyProbe } from './caddy.probe';

@Module({
  providers: [CaddyAdminClient, CaddyProbe],
  exports: [CaddyAdminClient],
})
export class CaddyModule {}
