import { Global, Module } from '@nestjs/common';
import { SecretBox } from '@slipway/nest-secrets';
import { AppsConfig } from '../config/apps.config';

/** One SecretBox for the service, built from SECRETS_KEYS (bad keys stop the service at start-up). */
@Global()
@Module({
  providers: [
    {
      provide: SecretBox,
      inject: [AppsConfig],
      useFactory: (config: AppsConfig) =>
        SecretBox.fromConfig(config.SECRETS_KEYS, config.SECRETS_ACTIVE_KEY_ID),
    },
  ],
  exports: [SecretBox],
})
export class SecretsModule {}
