import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { activeTraceId, httpServerSpans } from '@slipway/nest-telemetry';
import type { NextFunction, Request, Response } from 'express';
import { corsOrigins, GatewayConfig } from '../config/gateway.config';
import { keepRawBodyOfWebhooks } from '../hooks/raw-body';
import { bodyParserErrors } from './body-errors';
import { ProblemDetailsFilter } from './problem-details.filter';
import { RequestValidationPipe } from './request-validation.pipe';
import { securityHeaders } from './security-headers';
import { serveWebPortal } from './web-portal';

export const API_PREFIX = 'api/v1';

export function configureHttp(nestApp: INestApplication, config: GatewayConfig): void {
  const app = nestApp as NestExpressApplication;
  app.disable('x-powered-by');
  // No client sends If-None-Match to the API, so hashing every JSON body for an ETag was pure cost.
  app.set('etag', false);
  if (config.TRUST_PROXY_HOPS > 0) app.set('trust proxy', config.TRUST_PROXY_HOPS);
  // First, so everything after it (and every NATS message it leads to) runs in the request's trace.
  app.use(httpServerSpans());
  app.use(securityHeaders());
  // Only the configured origins get CORS headers; the portal itself is same-origin and needs none.
  // No credentials: the API authenticates with bearer tokens, never cookies.
  const origins = corsOrigins(config);
  if (origins.length > 0) {
    app.enableCors({
      origin: origins,
      credentials: false,
      exposedHeaders: ['Retry-After', 'WWW-Authenticate', 'x-trace-id', 'Content-Disposition'],
      maxAge: 600,
    });
  }
  // Webhook signatures cover the exact bytes sent, so the hooks keep their raw body.
  app.useBodyParser('json', { limit: config.BODY_MAX_BYTES, verify: keepRawBodyOfWebhooks });
  app.useBodyParser('urlencoded', { limit: config.BODY_MAX_BYTES, extended: false });
  app.use(bodyParserErrors);

  // Every response names its trace, so a user reporting a problem can quote it.
  app.use((_request: Request, response: Response, next: NextFunction) => {
    const traceId = activeTraceId();
    if (traceId) response.setHeader('x-trace-id', traceId);
    next();
  });

  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready', 'metrics'] });
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(
    new RequestValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
    }),
  );

  const openApi = new DocumentBuilder()
    .setTitle('Slipway API')
    .setDescription(
      'Deploy and run apps on Slipway. Errors are RFC 7807 problem+json documents. Authenticate with ' +
        '`Authorization: Bearer <token>`: an access token from `POST /api/v1/auth/login`, or an API token.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Access token (JWT) or API token (slw_…)' })
    .addSecurityRequirements('bearer')
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi), {
    jsonDocumentUrl: 'api/docs/openapi.json',
  });

  serveWebPortal(app, config.WEB_DIST_DIR);
}
