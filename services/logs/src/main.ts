import './tracing';
import { bootstrapService } from '@slipway/nest-service';
import { AppModule } from './app.module';
import { LogsConfig } from './config/logs.config';

void bootstrapService({ service: 'logs', configType: LogsConfig, rootModule: AppModule.register });
