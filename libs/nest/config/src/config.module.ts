import { DynamicModule, Global, Module } from '@nestjs/common';
import { BaseServiceConfig } from './base-service.config';
import { loadConfig } from './load-config';

/**
 * Validates the environment once and provides the typed result both under its own class and under
 * BaseServiceConfig, so infrastructure modules can depend on the common part only.
 */
@Global()
@Module({})
export class ServiceConfigModule {
  static forRoot<T extends BaseServiceConfig>(
    type: new () => T,
    config: T = loadConfig(type),
  ): DynamicModule {
    const providers = [
      { provide: type, useValue: config },
      ...(type === (BaseServiceConfig as unknown) ? [] : [{ provide: BaseServiceConfig, useValue: config }]),
    ];
    return { module: ServiceConfigModule, providers, exports: providers.map((provider) => provider.provide) };
  }
}
