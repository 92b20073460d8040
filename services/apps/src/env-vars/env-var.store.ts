import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { SealedEnvVar } from '@slipway/contracts';
import { DomainError } from '@slipway/nest-messaging';
import { SecretBox } from '@slipway/nest-secrets';
import { Model } from 'mongoose';
import { EnvVar, EnvVarDocument } from './schemas/env-var.schema';

/** Stores env vars sealed; only opens a value when the owner reveals it. */
@Injectable()
export class EnvVarStore {
  constructor(
    @InjectModel(EnvVar.name) private readonly envVars: Model<EnvVar>,
    private readonly secrets: SecretBox,
  ) {}

  async list(appId: string): Promise<EnvVarDocument[]> {
    return this.envVars.find({ appId }).sort({ name: 1 }).exec();
  }

  open(envVar: EnvVarDocument): string {
    return this.secrets.open(envVar.value);
  }

  async upsert(appId: string, vars: Array<{ name: string; value: string }>): Promise<void> {
    if (!this.secrets.configured) {
      throw new DomainError(
        'UNAVAILABLE',
        'Env vars cannot be stored: no secrets key is configured on the apps service (SECRETS_KEYS).',
      );
    }
    for (const { name, value } of vars) {
      await this.envVars
        .updateOne({ appId, name }, { $set: { value: this.secrets.seal(value) } }, { upsert: true })
        .exec();
    }
  }

  async remove(appId: string, names: string[]): Promise<number> {
    const result = await this.envVars.deleteMany({ appId, name: { $in: names } }).exec();
    return result.deletedCount;
  }

  async removeAll(appId: string): Promise<void> {
    await this.envVars.deleteMany({ appId }).exec();
  }

  async count(appId: string): Promise<number> {
    return this.envVars.countDocuments({ appId }).exec();
  }

  /** The app's env, sealed under the active key, for a release request (the runtime opens it). */
  async sealedForRelease(appId: string): Promise<SealedEnvVar[]> {
    const vars = await this.list(appId);
    return vars.map((envVar) => ({ name: envVar.name, value: this.secrets.reseal(envVar.value) }));
  }
}
