import { ApiError } from './api-error';

describe('ApiError.http', () => {
  it('uses the detail of a problem document', () => {
    const error = ApiError.http(502, {
      title: 'Bad Gateway',
      status: 502,
      detail: 'NATS request timed out.',
    });
    expect(error.message).toBe('The gateway ran into a problem (HTTP 502): NATS request timed out.');
    expect(error.kind).toBe('http');
    expect(error.status).toBe(502);
  });

  it('falls back to the title when there is no detail', () => {
    expect(ApiError.http(404, { title: 'Not Found' }).message).toBe(
      'The gateway does not offer this information (HTTP 404): Not Found.',
    );
  });

  it('never shows a body that is not a short problem text', () => {
    expect(ApiError.http(500, '<html>Internal Server Error</html>').message).toBe(
      'The gateway ran into a problem (HTTP 500).',
    );
    expect(ApiError.http(500, { detail: 'x'.repeat(500) }).message).toBe(
      'The gateway ran into a problem (HTTP 500).',
    );
    expect(ApiError.http(403, null).message).toBe('You are not allowed to see this (HTTP 403).');
  });
});

describe('ApiError.timeout', () => {
  it('says how long the portal waited', () => {
    expect(ApiError.timeout(10_000).message).toBe('The gateway did not answer within 10 seconds.');
  });
});
