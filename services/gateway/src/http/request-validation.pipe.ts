import { ArgumentMetadata, Type, ValidationPipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';

/**
 * Nest's ValidationPipe, except that an empty query string for a query class that an empty query has
 * already passed is not validated again: the answer cannot change (the class's defaults are all there is to
 * check, and our rules depend on nothing else). Polled lists (`GET /apps`, with no query at all) paid for
 * class-validator's metadata lookup on every request, about a tenth of the gateway's CPU per cached list.
 */
export class RequestValidationPipe extends ValidationPipe {
  /** Query classes an empty query string has passed. */
  private readonly validWhenEmpty = new WeakSet<Type<unknown>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const metatype = metadata.metatype as Type<unknown> | undefined;
    const emptyQuery =
      metadata.type === 'query' &&
      metadata.data === undefined &&
      metatype !== undefined &&
      value !== null &&
      typeof value === 'object' &&
      Object.keys(value).length === 0;
    if (emptyQuery && this.validWhenEmpty.has(metatype)) {
      return plainToInstance(metatype, {}, this.transformOptions);
    }
    const transformed: unknown = await super.transform(value, metadata);
    // Only reached when it passed: the pipe throws otherwise.
    if (emptyQuery) this.validWhenEmpty.add(metatype);
    return transformed;
  }
}
