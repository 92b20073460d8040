import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';

export class PayloadValidationError extends Error {
  constructor(
    readonly payloadName: string,
    readonly problems: string[],
  ) {
    super(`Invalid ${payloadName}: ${problems.join('; ')}`);
    this.name = 'PayloadValidationError';
  }
}

function flatten(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {});
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

/** Turns an untrusted plain object into a validated payload instance, or throws naming every problem. */
export function parsePayload<T extends object>(type: new () => T, plain: unknown): T {
  if (plain === null || typeof plain !== 'object') {
    throw new PayloadValidationError(type.name, ['payload must be an object']);
  }
  const instance = plainToInstance(type, plain);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    throw new PayloadValidationError(type.name, flatten(errors));
  }
  return instance;
}
