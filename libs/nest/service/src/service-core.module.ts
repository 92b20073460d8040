import { DynamicModule, Module } from '@nestjs/common';
import { ServiceName } from '@slipway/contracts';
import { BaseServiceConfig, ServiceConfigModule } from '@slipway/nest-config';
import { HealthModule } from '@slipway/nest-health';
import { LoggingModule } from '@slipway/nest-logging';
import { MessagingModule } from '@slipway/nest-messaging';
import { MongoModule } from '@slipway/nest-mongo';
import { TelemetryModule } from '@slipway/nest-telemetry';

export interface ServiceCoreOptions<T extends BaseServiceConfig> {
  service: ServiceName;
  version: string;
  configType: new () => T;
  config: T;
}

/** What every Slipway service is made of: config, logs, metrics, NATS, its database, health. */
@Module({})
export class ServiceCoreModule {
  static forService<T extends BaseServiceConfig>(options: ServiceCoreOptions<T>): DynamicModule {
    const { service, version, configType, config } = options;
    return {
      module: ServiceCoreModule,
      imports: [
        ServiceConfigModule.forRoot(configType, config),
        LoggingModule.forService(service),
        TelemetryModule,
        MessagingModule.forService({ service }),
        MongoModule.forService(service),
        HealthModule.forService({ service, version }),
      ],
    };
  }
}
