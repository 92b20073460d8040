import './tracing';
import { bootstrapService } from '@slipway/nest-service';
import { AppModule } from './app.module';
import { BuilderConfig } from './config/builder.config';

void bootstrapService({ service: 'builder', configType: BuilderConfig, rootModule: AppModule.register });
