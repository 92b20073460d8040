import { DynamicModule, Module } from '@nestjs/common';
import { BaseServiceConfig } from '@slipway/nest-config';
import { activeTraceId } from '@slipway/nest-telemetry';
import { LoggerModule } from 'nestjs-pino';
import { REDACTED_PATHS, REDACTION_CENSOR, redactUrl } from './redaction';

/**
 * Structured JSON logs (pino) for one service. Every line carries the service name and the active trace
 * id, so a log line leads to its trace; request logging skips health probes and metrics scrapes.
 */
@Module({})
export class LoggingModule {
  static forService(service: string): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRootAsync({
          inject: [BaseServiceConfig],
          useFactory: (config: BaseServiceConfig) => ({
            pinoHttp: {
              level: config.LOG_LEVEL,
              base: { service },
              redact: { paths: REDACTED_PATHS, censor: REDACTION_CENSOR },
              serializers: {
                req: (request: { url?: string }) =>
                  request.url ? { ...request, url: redactUrl(request.url) } : request,
              },
              mixin: () => {
                const traceId = activeTraceId();
                return traceId ? { traceId } : {};
              },
              autoLogging: { ignore: (request) => /^\/(health|metrics)/.test(request.url ?? '') },
              timestamp: () => `,"time":"${new Date().toISOString()}"`,
            },
          }),
        }),
      ],
    };
  }
}
