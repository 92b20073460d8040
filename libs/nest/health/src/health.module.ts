import { DynamicModule, Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DatabaseProbe, NatsProbe } from './core-probes';
import { DependencyProbes } from './dependency-probe';
import { HealthController } from './health.controller';
import { HEALTH_OPTIONS, HealthOptions } from './health.options';
import { HeartbeatService } from './heartbeat.service';

/** `/health/live`, `/health/ready` and the heartbeat, for one service. */
@Global()
@Module({})
export class HealthModule {
  static forService(options: HealthOptions): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [
        { provide: HEALTH_OPTIONS, useValue: options },
        DependencyProbes,
        DatabaseProbe,
        NatsProbe,
        HeartbeatService,
      ],
      exports: [DependencyProbes, HeartbeatService],
    };
  }
}
