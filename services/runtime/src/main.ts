import './tracing';
import { bootstrapService } from '@slipway/nest-service';
import { AppModule } from './app.module';
import { RuntimeConfig } from './config/runtime.config';

void bootstrapService({ service: 'runtime', configType: RuntimeConfig, rootModule: AppModule.register });
