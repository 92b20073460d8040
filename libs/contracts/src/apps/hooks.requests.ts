import { IsOptional, IsString, Length, MaxLength } from 'class-validator';

/** `rpc.apps.hooks.deploy`: the gateway's deploy hook URL was called; the token is checked by apps. */
export class DeployHookRequest {
  @IsString()
  @Length(1, 64)
  appId!: string;

  @IsString()
  @MaxLength(256)
  token!: string;

  /** Optional `?ref=` of the hook URL: deploy this branch, tag or commit instead of the app's branch. */
  @IsOptional()
  @IsString()
  @MaxLength(255)
  ref?: string;
}

/**
 * `rpc.apps.hooks.github`: a GitHub webhook delivery, passed on untouched: the raw body is what the
 * signature covers, so apps verifies `X-Hub-Signature-256` against it with the app's secret.
 */
export class GitHubWebhookRequest {
  @IsString()
  @Length(1, 64)
  appId!: string;

  /** `X-GitHub-Event`: `push` deploys, `ping` is answered, others are ignored. */
  @IsString()
  @MaxLength(64)
  event!: string;

  /** `X-GitHub-Delivery`: a unique id per delivery, used as the idempotency key. */
  @IsString()
  @MaxLength(128)
  deliveryId!: string;

  /** `X-Hub-Signature-256`, `sha256=<hex>`; empty when the header was missing. */
  @IsString()
  @MaxLength(128)
  signature!: string;

  /** The raw request body, base64 (the signature covers its exact bytes). */
  @IsString()
  @MaxLength(20 * 1024 * 1024)
  bodyBase64!: string;
}

export interface WebhookResultDto {
  /** `deployed`: a deployment was requested; `ignored`: nothing to do; `refused`: bad or missing signature. */
  outcome: 'deployed' | 'ignored' | 'refused';
  reason: string;
  deploymentId: string | null;
}
