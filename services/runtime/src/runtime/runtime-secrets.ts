import { Injectable } from '@nestjs/common';
import { SealedEnvVar } from '@slipway/contracts';
import { SecretBox } from '@slipway/nest-secrets';
import { RuntimeConfig } from '../config/runtime.config';

/** Opens an app's sealed env var values, only at the moment a container is created. */
@Injectable()
export class RuntimeSecrets {
  private readonly box: SecretBox;

  constructor(config: RuntimeConfig) {
    this.box = SecretBox.fromConfig(config.SECRETS_KEYS, config.SECRETS_ACTIVE_KEY_ID);
  }

  openEnv(env: SealedEnvVar[]): Record<string, string> {
    return Object.fromEntries(env.map((variable) => [variable.name, this.box.open(variable.value)]));
  }
}
