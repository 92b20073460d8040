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

describe('ApiError.forForm', () => {
  it('puts each class-validator message next to the field it names', () => {
    const error = ApiError.http(400, {
      title: 'Invalid request',
      status: 400,
      detail: '3 problems with the request.',
      errors: [
        'name must be 1-63 characters of lowercase letters',
        'envVars.2.name must match',
        'property extra should not exist',
      ],
    });
    expect(error.forForm(['name', 'envVars'])).toEqual({
      byField: {
        name: 'name must be 1-63 characters of lowercase letters',
        'envVars.2.name': 'envVars.2.name must match',
      },
      general: ['property extra should not exist'],
    });
  });

  it('reads "The <field> ..." sentences as that field and keeps the first problem per field', () => {
    const error = ApiError.http(400, {
      detail: '2 problems with the request.',
      errors: ['The password is too short: use at least 10 characters.', 'password must be a string'],
    });
    expect(error.forForm(['email', 'password']).byField).toEqual({
      password: 'The password is too short: use at least 10 characters.',
    });
  });

  it('uses the detail when the problem lists no errors', () => {
    const error = ApiError.http(401, { detail: 'The email or the password is wrong.' });
    expect(error.forForm(['email', 'password'])).toEqual({
      byField: {},
      general: ['The email or the password is wrong.'],
    });
    expect(error.detail).toBe('The email or the password is wrong');
  });
});
