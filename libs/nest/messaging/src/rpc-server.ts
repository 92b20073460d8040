import {
  ArgumentsHost,
  CallHandler,
  Catch,
  ExecutionContext,
  Injectable,
  Logger,
  NestInterceptor,
  RpcExceptionFilter,
} from '@nestjs/common';
import { NatsContext } from '@nestjs/microservices';
import { PayloadValidationError, RpcErrorBody, RpcErrorCodes } from '@slipway/contracts';
import { extractTraceContext, SpanKind, withSpan } from '@slipway/nest-telemetry';
import { Observable, throwError, lastValueFrom } from 'rxjs';
import { DomainError } from './domain-error';

/** Continues the caller's trace for every NATS request a service answers. */
@Injectable()
export class RpcTracingInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const natsContext = context.switchToRpc().getContext<NatsContext>();
    const subject = natsContext.getSubject();
    const parent = extractTraceContext(natsContext.getHeaders());
    return new Observable((subscriber) => {
      withSpan(
        `handle ${subject}`,
        { kind: SpanKind.SERVER, parent, attributes: { 'messaging.system': 'nats', 'rpc.method': subject } },
        () => lastValueFrom(next.handle(), { defaultValue: undefined }),
      ).then(
        (value) => {
          subscriber.next(value);
          subscriber.complete();
        },
        (error: unknown) => subscriber.error(error),
      );
    });
  }
}

/** Turns whatever a handler threw into the shared RPC error vocabulary; unexpected errors are logged. */
@Catch()
export class RpcErrorFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger(RpcErrorFilter.name);

  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => this.toBody(exception));
  }

  private toBody(exception: unknown): RpcErrorBody {
    if (exception instanceof DomainError) return exception.toBody();
    if (exception instanceof PayloadValidationError) {
      return { code: RpcErrorCodes.Validation, message: exception.message, details: exception.problems };
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
    );
    return { code: RpcErrorCodes.Internal, message: 'The service failed to handle the request.' };
  }
}
