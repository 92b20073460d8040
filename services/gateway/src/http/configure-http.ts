import { INestApplication, ValidationPipe } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { activeTraceId } from '@slipway/nest-telemetry';
import type { NextFunction, Request, Response } from 'express';
import { GatewayConfig } from '../config/gateway.config';
import { ProblemDetailsFilter } from './problem-details.filter';
import { serveWebPortal } from './web-portal';

export const API_PREFIX = 'api/v1';

export function configureHttp(nestApp: INestApplication, config: GatewayConfig): void {
  const app = nestApp as NestExpressApplication;
  app.disable('x-powered-by');
  app.useBodyParser('json', { limit: '1mb' });
  const origins = config.CORS_ORIGINS.split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  if (origins.length > 0) app.enableCors({ origin: origins, credentials: true });

  // Every response names its trace, so a user reporting a problem can quote it.
  app.use((_request: Request, response: Response, next: NextFunction) => {
    const traceId = activeTraceId();
    if (traceId) response.setHeader('x-trace-id', traceId);
    next();
  });

  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready', 'metrics'] });
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
    }),
  );

  const openApi = new DocumentBuilder()
    .setTitle('Slipway API')
    .setDescription('Deploy and run apps on Slipway. Errors are RFC 7807 problem+json documents.')
    .setVersion('1')
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi), {
    jsonDocumentUrl: 'api/docs/openapi.json',
  });

  serveWebPortal(app, config.WEB_DIST_DIR);
}
