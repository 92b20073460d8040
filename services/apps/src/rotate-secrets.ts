/**
 * Re-seals every env var value and webhook secret under the active key (SECRETS_ACTIVE_KEY_ID), so an
 * old key can then be removed from SECRETS_KEYS. Run with the service's environment, old and new keys
 * both in SECRETS_KEYS:
 *
 *   SECRETS_KEYS=old:...,new:... SECRETS_ACTIVE_KEY_ID=new MONGO_URL=... \
 *     npx nx run apps:rotate-secrets
 *
 * Safe to run twice and while the service runs: a value already under the active key is left alone.
 */
import { loadConfig } from '@slipway/nest-config';
import { databaseNameFor } from '@slipway/nest-mongo';
import { SecretBox } from '@slipway/nest-secrets';
import mongoose from 'mongoose';
import { AppSchema } from './apps/schemas/app.schema';
import { AppsConfig } from './config/apps.config';
import { EnvVarSchema } from './env-vars/schemas/env-var.schema';

export interface RotationResult {
  envVars: number;
  appSecrets: number;
}

export async function rotateSecrets(config: AppsConfig): Promise<RotationResult> {
  const box = SecretBox.fromConfig(config.SECRETS_KEYS, config.SECRETS_ACTIVE_KEY_ID);
  if (!box.configured) throw new Error('SECRETS_KEYS is empty: there is no key to re-seal with.');
  const connection = await mongoose
    .createConnection(config.MONGO_URL, { dbName: databaseNameFor('apps', config) })
    .asPromise();
  try {
    const envVars = connection.model('EnvVar', EnvVarSchema);
    const apps = connection.model('App', AppSchema);
    let envVarCount = 0;
    for await (const envVar of envVars.find().cursor()) {
      const resealed = box.reseal(envVar.value);
      if (resealed === envVar.value) continue;
      await envVars.updateOne({ _id: envVar._id }, { $set: { value: resealed } }).exec();
      envVarCount += 1;
    }
    let appSecretCount = 0;
    for await (const app of apps.find().cursor()) {
      const set: Record<string, unknown> = {};
      for (const field of ['deployHookToken', 'githubWebhookSecret'] as const) {
        const sealed = app[field];
        if (!sealed) continue;
        const resealed = box.reseal(sealed);
        if (resealed !== sealed) set[field] = resealed;
      }
      if (Object.keys(set).length === 0) continue;
      await apps.updateOne({ _id: app._id }, { $set: set }, { timestamps: false }).exec();
      appSecretCount += Object.keys(set).length;
    }
    return { envVars: envVarCount, appSecrets: appSecretCount };
  } finally {
    await connection.close();
  }
}

if (require.main === module) {
  rotateSecrets(loadConfig(AppsConfig)).then(
    (result) => {
      process.stdout.write(
        `Re-sealed ${result.envVars} env var value(s) and ${result.appSecrets} webhook secret(s) under the active key.\n`,
      );
      process.exit(0);
    },
    (error: Error) => {
      process.stderr.write(`Rotation failed: ${error.message}\n`);
      process.exit(1);
    },
  );
}
