import { IsBoolean, IsInt, IsUrl, Matches, Min } from 'class-validator';
import { BaseServiceConfig } from './base-service.config';
import { ConfigValidationError, loadConfig } from './load-config';

class ExampleConfig extends BaseServiceConfig {
  @IsUrl({ require_tld: false, protocols: ['http'] })
  CADDY_ADMIN_URL: string = '';

  @IsInt()
  @Min(1)
  MAX_BUILDS: number = 2;

  @Matches(/^(\w+:[A-Za-z0-9+/=]{44})?$/, { message: 'SECRETS_KEYS must be keyId:base64key' })
  SECRETS_KEYS: string = '';

  @IsBoolean()
  ALLOW_LOCAL: boolean = false;
}

describe('loadConfig', () => {
  it('applies defaults and converts numbers from strings', () => {
    const config = loadConfig(ExampleConfig, { CADDY_ADMIN_URL: 'http://127.0.0.1:2019', HTTP_PORT: '3005' });
    expect(config.HTTP_PORT).toBe(3005);
    expect(config.MAX_BUILDS).toBe(2);
    expect(config.NATS_URL).toBe('nats://127.0.0.1:4222');
  });

  it('names every missing or invalid variable in one error', () => {
    let thrown: unknown;
    try {
      loadConfig(ExampleConfig, { HTTP_PORT: 'eighty', NATS_URL: 'localhost' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigValidationError);
    const message = (thrown as Error).message;
    expect(message).toContain('CADDY_ADMIN_URL is not set');
    expect(message).toContain('HTTP_PORT is "eighty"');
    expect(message).toContain('NATS_URL must look like nats://host:port');
  });

  it('never prints a secret or the credentials in a URL when a value is invalid', () => {
    let message = '';
    try {
      loadConfig(ExampleConfig, {
        CADDY_ADMIN_URL: 'http://caddy:2019',
        MONGO_URL: 'mongo://admin:s3cret-pass@db:27017',
        SECRETS_KEYS: 'k1:not-base64-hunter2',
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('MONGO_URL is "mongo://***@db:27017"');
    expect(message).not.toContain('s3cret-pass');
    expect(message).not.toContain('hunter2');
  });

  it('reads booleans as words, so "false" means false', () => {
    const base = { CADDY_ADMIN_URL: 'http://caddy:2019' };
    expect(loadConfig(ExampleConfig, { ...base, ALLOW_LOCAL: 'false' }).ALLOW_LOCAL).toBe(false);
    expect(loadConfig(ExampleConfig, { ...base, ALLOW_LOCAL: 'true' }).ALLOW_LOCAL).toBe(true);
    expect(() => loadConfig(ExampleConfig, { ...base, ALLOW_LOCAL: 'maybe' })).toThrow(
      'ALLOW_LOCAL is "maybe"',
    );
  });

  it('treats an empty variable as unset so the default applies', () => {
    const config = loadConfig(ExampleConfig, { CADDY_ADMIN_URL: 'http://caddy:2019', LOG_LEVEL: '' });
    expect(config.LOG_LEVEL).toBe('info');
  });
});
