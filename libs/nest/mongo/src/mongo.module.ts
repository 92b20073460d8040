import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ServiceName } from '@slipway/contracts';
import { BaseServiceConfig } from '@slipway/nest-config';

export function databaseNameFor(service: ServiceName, config: BaseServiceConfig): string {
  return config.MONGO_DB || `slipway_${service}`;
}

/**
 * The one database connection of a service. Each service has its own database (`slipway_<service>`) and
 * no service reads another's. Only features both MongoDB and FerretDB support are used: no
 * transactions, no change streams.
 */
@Module({})
export class MongoModule {
  static forService(service: ServiceName): DynamicModule {
    return {
      module: MongoModule,
      imports: [
        MongooseModule.forRootAsync({
          inject: [BaseServiceConfig],
          useFactory: (config: BaseServiceConfig) => ({
            uri: config.MONGO_URL,
            dbName: databaseNameFor(service, config),
            appName: `slipway-${service}`,
            serverSelectionTimeoutMS: 5000,
            // Retry forever at start-up: the database may come up after the service.
            retryAttempts: Number.MAX_SAFE_INTEGER,
            retryDelay: 1000,
          }),
        }),
      ],
    };
  }
}
