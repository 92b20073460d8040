import { DynamicModule, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { BaseServiceConfig } from '@slipway/nest-config';
import { activeTraceId } from '@slipway/nest-telemetry';
import { LoggerModule } from 'nestjs-pino';
import { REDACTED_PATHS, REDACTION_CENSOR } from './redaction';
import { RequestLogMiddleware } from './request-log.middleware';

/**
 * Structured JSON logs (pino) for one service. Every line carries the service name and the active trace
 * id, so a log line leads to its trace; request logging skips health probes and metrics scrapes.
 */
@Module({})
export class LoggingModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestLogMiddleware).forRoutes({ path: '*path', method: RequestMethod.ALL });
  }

  static forService(service: string): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [BaseServiceConfig],
          useFactory: (config: BaseServiceConfig) => ({
            // Requests are logged by RequestLogMiddleware; pino-http only supplies the logger.
            forRoutes: [],
            pinoHttp: {
              level: config.LOG_LEVEL,
              base: { service },
              redact: { paths: REDACTED_PATHS, censor: REDACTION_CENSOR },
              mixin: () => {
                const traceId = activeTraceId();
                return traceId ? { traceId } : {};
              },
              timestamp: () => `,"time":"${new Date().toISOString()}"`,
            },
          }),
        }),
      ],
    };
  }
}
