import { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MicroserviceOptions, NestMicroservice, Transport } from '@nestjs/microservices';
import { ServiceName } from '@slipway/contracts';
import { BaseServiceConfig, ConfigValidationError, loadConfig } from '@slipway/nest-config';
import { RpcErrorFilter, RpcTracingInterceptor } from '@slipway/nest-messaging';
import { shutdownTracing } from '@slipway/nest-telemetry';
import { Logger } from 'nestjs-pino';
import { StablePrototypeExpressAdapter } from './stable-prototype-express-adapter';
import { readServiceVersion } from './version';

export interface ServiceDefinition<T extends BaseServiceConfig> {
  service: ServiceName;
  configType: new () => T;
  /** Builds the service's root module from its validated config. */
  rootModule: (config: T, version: string) => DynamicModule;
  /** HTTP concerns specific to the service (global prefix, OpenAPI, static files ...). */
  configureHttp?: (app: INestApplication, config: T) => void | Promise<void>;
}

function loadConfigOrExit<T extends BaseServiceConfig>(service: ServiceName, configType: new () => T): T {
  try {
    return loadConfig(configType);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`The ${service} service cannot start. ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

/**
 * Starts a hybrid Nest app: HTTP (health, metrics, and the gateway's API) plus the NATS microservice for
 * request/reply. SIGTERM/SIGINT drain NATS, close the database and flush traces; if that takes longer
 * than SHUTDOWN_TIMEOUT_MS the process exits anyway.
 */
export async function bootstrapService<T extends BaseServiceConfig>(
  definition: ServiceDefinition<T>,
): Promise<INestApplication> {
  const { service, configType } = definition;
  const config = loadConfigOrExit(service, configType);
  const version = readServiceVersion();
  const app = await NestFactory.create(
    definition.rootModule(config, version),
    new StablePrototypeExpressAdapter(),
    {
      bufferLogs: true,
      abortOnError: false,
    },
  );
  const logger = app.get(Logger);
  app.useLogger(logger);

  const microservice = app.connectMicroservice<MicroserviceOptions>(
    {
      transport: Transport.NATS,
      // One queue group per service: several instances of a service share the requests.
      options: {
        servers: [config.NATS_URL],
        queue: service,
        maxReconnectAttempts: -1,
        name: `slipway-${service}-rpc`,
      },
    },
    // Deferred so the RPC-only interceptor and filter are in place before the listeners are bound;
    // then the same steps connectMicroservice takes (the hybrid app runs the lifecycle hooks once).
    { inheritAppConfig: false, deferInitialization: true },
  ) as NestMicroservice;
  microservice.useGlobalInterceptors(new RpcTracingInterceptor());
  microservice.useGlobalFilters(new RpcErrorFilter());
  microservice.registerListeners();
  microservice.setIsInitialized(true);
  microservice.setIsInitHookCalled(true);

  await definition.configureHttp?.(app, config);
  await app.startAllMicroservices();
  await app.listen(config.HTTP_PORT, config.HTTP_HOST);
  logger.log(`${service} ${version} listening on http://${config.HTTP_HOST}:${config.HTTP_PORT}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received, shutting down`);
    setTimeout(() => {
      process.stderr.write(
        `${service}: shutdown took longer than ${config.SHUTDOWN_TIMEOUT_MS} ms, exiting\n`,
      );
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS).unref();
    await app.close();
    await shutdownTracing();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  return app;
}
