import { DynamicModule, Module } from '@nestjs/common';
import { ServiceCoreModule } from '@slipway/nest-service';
import { LogsConfig } from './config/logs.config';
import { LogLinesModule } from './log-lines/log-lines.module';

@Module({})
export class AppModule {
  static register(config: LogsConfig, version: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceCoreModule.forService({ service: 'logs', version, configType: LogsConfig, config }),
        LogLinesModule,
      ],
    };
  }
}
