import { ArgumentsHost, BadRequestException, NotFoundException } from '@nestjs/common';
import { RpcRequestError } from '@slipway/nest-messaging';
import { ProblemDetails, ProblemDetailsFilter } from './problem-details.filter';

function respond(exception: unknown): { status: number; type: string; body: ProblemDetails } {
  const captured = { status: 0, type: '', body: undefined as unknown as ProblemDetails };
  const response = {
    status(code: number) {
      captured.status = code;
      return response;
    },
    type(value: string) {
      captured.type = value;
      return response;
    },
    json(body: ProblemDetails) {
      captured.body = body;
      return response;
    },
  };
  const host = {
    switchToHttp: () => ({
      getRequest: () => ({ originalUrl: '/api/v1/apps', url: '/api/v1/apps' }),
      getResponse: () => response,
    }),
  } as unknown as ArgumentsHost;
  new ProblemDetailsFilter().catch(exception, host);
  return captured;
}

describe('ProblemDetailsFilter', () => {
  it('lists every validation problem as problem+json with status 400', () => {
    const result = respond(
      new BadRequestException(['name must be a string', 'property extra should not exist']),
    );
    expect(result.status).toBe(400);
    expect(result.type).toBe('application/problem+json');
    expect(result.body).toMatchObject({
      title: 'Invalid request',
      detail: '2 problems with the request.',
      errors: ['name must be a string', 'property extra should not exist'],
      instance: '/api/v1/apps',
    });
  });

  it.each([
    ['NOT_FOUND', 404],
    ['CONFLICT', 409],
    ['VALIDATION', 400],
    ['UNAVAILABLE', 503],
    ['INTERNAL', 502],
  ] as const)('maps a %s answer from a service to HTTP %i with its message', (code, status) => {
    const result = respond(new RpcRequestError('rpc.apps.get', { code, message: `the ${code} message` }));
    expect(result.status).toBe(status);
    expect(result.body.detail).toBe(`the ${code} message`);
  });

  it('keeps a single HTTP error message as the detail', () => {
    const result = respond(new NotFoundException('Cannot GET /api/v1/nothing'));
    expect(result.body).toMatchObject({
      status: 404,
      title: 'Not found',
      detail: 'Cannot GET /api/v1/nothing',
    });
    expect(result.body.errors).toBeUndefined();
  });

  it('hides the internals of an unexpected error behind a sentence', () => {
    const result = respond(new TypeError("Cannot read properties of undefined (reading 'db')"));
    expect(result.status).toBe(500);
    expect(result.body.detail).toBe('Something went wrong on our side. The error has been logged.');
    expect(JSON.stringify(result.body)).not.toContain('undefined');
  });
});
