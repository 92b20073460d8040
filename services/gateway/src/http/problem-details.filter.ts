import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { RpcErrorCode } from '@slipway/contracts';
import { RpcRequestError } from '@slipway/nest-messaging';
import { activeTraceId } from '@slipway/nest-telemetry';
import type { Request, Response } from 'express';

/** RFC 7807 body. `errors` lists each problem with the input when there are several. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors?: string[];
  traceId?: string;
}

const STATUS_BY_RPC_CODE: Record<RpcErrorCode, number> = {
  VALIDATION: HttpStatus.BAD_REQUEST,
  NOT_FOUND: HttpStatus.NOT_FOUND,
  CONFLICT: HttpStatus.CONFLICT,
  UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  INTERNAL: HttpStatus.BAD_GATEWAY,
};

const TITLES: Record<number, string> = {
  400: 'Invalid request',
  401: 'Authentication required',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Request too large',
  429: 'Too many requests',
  500: 'Internal error',
  502: 'A Slipway service failed',
  503: 'Service unavailable',
};

function messagesOf(response: unknown): string[] {
  if (typeof response === 'string') return [response];
  const message = (response as { message?: unknown })?.message;
  if (Array.isArray(message)) return message.map(String);
  if (typeof message === 'string') return [message];
  return [];
}

/** Every error the gateway returns is `application/problem+json` with a sentence a person understands. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const problem = this.toProblem(exception, request.originalUrl ?? request.url);
    const traceId = activeTraceId();
    if (traceId) problem.traceId = traceId;
    response.status(problem.status).type('application/problem+json').json(problem);
  }

  private toProblem(exception: unknown, instance: string): ProblemDetails {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const messages = messagesOf(exception.getResponse());
      const detail =
        messages.length > 1
          ? `${messages.length} problems with the request.`
          : (messages[0] ?? exception.message);
      return {
        type: 'about:blank',
        title: TITLES[status] ?? exception.name,
        status,
        detail,
        instance,
        ...(messages.length > 1 ? { errors: messages } : {}),
      };
    }
    if (exception instanceof RpcRequestError) {
      const status = STATUS_BY_RPC_CODE[exception.body.code];
      return {
        type: 'about:blank',
        title: TITLES[status] ?? 'Error',
        status,
        detail: exception.body.message,
        instance,
        ...(exception.body.details?.length ? { errors: exception.body.details } : {}),
      };
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
    );
    return {
      type: 'about:blank',
      title: TITLES[500] as string,
      status: 500,
      detail: 'Something went wrong on our side. The error has been logged.',
      instance,
    };
  }
}
