import { assertTestEnvironment } from './guard';

describe('assertTestEnvironment', () => {
  const saved = { JEST_WORKER_ID: process.env['JEST_WORKER_ID'], NODE_ENV: process.env['NODE_ENV'] };

  afterEach(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) {
        delete process.env[key];
      } else {
        process.env[key] = value;
      }
    }
  });

  it('allows destructive helpers inside jest', () => {
    expect(() => assertTestEnvironment()).not.toThrow();
  });

  it('allows them with NODE_ENV=test outside jest', () => {
    delete process.env['JEST_WORKER_ID'];
    process.env['NODE_ENV'] = 'test';

    expect(() => assertTestEnvironment()).not.toThrow();
  });

  it('refuses them outside tests, naming the operation', () => {
    delete process.env['JEST_WORKER_ID'];
    process.env['NODE_ENV'] = 'development';

    expect(() => assertTestEnvironment('removeContainersByLabel')).toThrow(
      /removeContainersByLabel outside tests/,
    );
  });
});
