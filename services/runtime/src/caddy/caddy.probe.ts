import { Injectable, OnModuleInit } from '@nestjs/common';
import { DependencyProbe, DependencyProbes } from '@slipway/nest-health';
import { CaddyAdminClient } from './caddy-admin.client';

@Injectable()
export class CaddyProbe implements DependencyProbe, OnModuleInit {
  readonly name = 'caddy' as const;

  constructor(
    private readonly caddy: CaddyAdminClient,
    private readonly probes: DependencyProbes,
  ) {}

  onModuleInit(): void {
    this.probes.add(this);
  }

  check(): Promise<string> {
    return this.caddy.version();
  }
}
