import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

const SECRET_NAME = /SECRET|TOKEN|PASSWORD|KEY/i;

/** How a bad value is shown: never a secret, and never the credentials inside a URL. */
function showValue(name: string, value: unknown): string {
  if (SECRET_NAME.test(name)) return 'is set but invalid (value hidden)';
  const text = String(value).replace(/\/\/[^/@\s]*@/, '//***@');
  return `is ${JSON.stringify(text)}`;
}

function describe(error: ValidationError, raw: Record<string, unknown>): string {
  const given = raw[error.property];
  const shown = given === undefined ? 'is not set' : showValue(error.property, given);
  const rules = Object.values(error.constraints ?? {}).join(', ');
  return `${error.property} ${shown}: ${rules}`;
}

/**
 * Reads a config class from the environment and fails fast, naming every missing or invalid variable,
 * so a misconfigured service never half-starts. Declare every field with an explicit type
 * (`PORT: number = 3000`): the conversion from strings relies on the emitted type metadata.
 */
export function loadConfig<T extends object>(
  type: new () => T,
  env: NodeJS.ProcessEnv | Record<string, string | undefined> = process.env,
): T {
  const defaults = new type();
  const defined: Record<string, unknown> = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  // Implicit conversion would turn any string, "false" included, into true: booleans are parsed here.
  const notBooleans: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(defined)) {
    if (typeof (defaults as Record<string, unknown>)[key] !== 'boolean') continue;
    if (/^(true|1|yes)$/i.test(String(value))) defined[key] = true;
    else if (/^(false|0|no)$/i.test(String(value))) defined[key] = false;
    else notBooleans[key] = value;
  }
  const config = Object.assign(
    plainToInstance(type, { ...defaults, ...defined }, { enableImplicitConversion: true }),
    notBooleans,
  );
  const errors = validateSync(config, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new ConfigValidationError(errors.map((error) => describe(error, defined)));
  }
  return config;
}
