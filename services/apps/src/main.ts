import './tracing';
import { bootstrapService } from '@slipway/nest-service';
import { AppModule } from './app.module';
import { AppsConfig } from './config/apps.config';

void bootstrapService({ service: 'apps', configType: AppsConfig, rootModule: AppModule.register });
