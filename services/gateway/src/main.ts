import './tracing';
import { bootstrapService } from '@slipway/nest-service';
import { AppModule } from './app.module';
import { GatewayConfig } from './config/gateway.config';
import { configureHttp } from './http/configure-http';

void bootstrapService({
  service: 'gateway',
  configType: GatewayConfig,
  rootModule: AppModule.register,
  configureHttp,
});
