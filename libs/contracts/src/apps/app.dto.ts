import type { AppPlan, HealthCheckSpec } from '../releases/release.events';
import type { AppSourceKind, DatabaseType } from './create-app.request';

/** An app as every other service and the web see it (never the apps service's document). */
export interface AppDto {
  id: string;
  name: string;
  ownerId: string;
  sourceKind: AppSourceKind;
  repoUrl: string | null;
  branch: string | null;
  image: string | null;
  rootDirectory: string | null;
  installCommand: string | null;
  buildCommand: string | null;
  startCommand: string | null;
  /** Null: the port the builder detects (or 8080). */
  port: number | null;
  healthCheck: HealthCheckSpec;
  plan: AppPlan;
  region: string;
  framework: string | null;
  domains: string[];
  autoDeploy: boolean;
  database: { enabled: boolean; type: DatabaseType | null };
  replicas: number;
  /** What the owner asked for last: `stopped` after a stop, until a start or a new deployment. */
  desiredState: 'running' | 'stopped';
  /** The deployment serving the app now, if any. */
  currentDeploymentId: string | null;
  url: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AppListDto {
  items: AppDto[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** `rpc.apps.hooks.get`: the secrets behind the app's deploy hook URL and GitHub webhook (owner only). */
export interface AppHooksDto {
  appId: string;
  /** The secret path segment of `POST /api/v1/hooks/deploy/<appId>/<deployHookToken>`. */
  deployHookToken: string;
  /** The GitHub webhook secret (HMAC-SHA256 key for `X-Hub-Signature-256`). */
  githubWebhookSecret: string;
}
