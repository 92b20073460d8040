import {
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  registerDecorator,
  ValidationArguments,
} from 'class-validator';
import { APP_NAME_PATTERN, APP_NAME_RULE } from '../apps/create-app.request';

/** Git refs as git itself accepts them, minus anything that could read as an option or a path escape. */
export const GIT_REF_PATTERN = /^(?!-)(?!.*\.\.)(?!.*\/\/)[A-Za-z0-9._/-]{1,255}$/;
export const GIT_REF_RULE =
  'ref must be a branch, tag or commit SHA: letters, digits, . _ / and -, not starting with - and without ..';

/** Requires exactly one of the named properties to be present (put it on a property that is always validated). */
function ExactlyOneOf(properties: string[], message: string): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'exactlyOneOf',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message },
      validator: {
        validate(_value: unknown, args: ValidationArguments): boolean {
          const object = args.object as Record<string, unknown>;
          return properties.filter((property) => object[property] !== undefined).length === 1;
        },
      },
    });
  };
}

/**
 * `deploy.requested.v1` — the PUBLIC contract for asking Slipway to deploy an app, open to any internal
 * system with access to NATS (CI, chat bots, other platforms). Documented in docs/deploy-events.md.
 *
 * - the app by `appId` or by `appName` (exactly one);
 * - what to deploy: a git `ref` (branch, tag or commit; the app's branch when omitted) for a git app, or an
 *   `image` already on the host (never both);
 * - `requestedBy`: who or what asked, shown in the deployment's history;
 * - `idempotencyKey`: a repeated key never deploys twice.
 *
 * An invalid request (bad fields, unknown app, an image for a git app ...) is parked on
 * `parked.deploy.requested.v1` with the reason; it is never silently dropped.
 */
export class DeployRequestedEvent {
  @IsOptional()
  @IsString()
  @Length(24, 24, { message: 'appId is the 24-character id of the app' })
  appId?: string;

  @IsOptional()
  @IsString()
  @Matches(APP_NAME_PATTERN, { message: APP_NAME_RULE })
  appName?: string;

  @IsOptional()
  @IsString()
  @Matches(GIT_REF_PATTERN, { message: GIT_REF_RULE })
  ref?: string;

  @IsOptional()
  @IsString()
  @Length(1, 512)
  image?: string;

  // Checked here because requestedBy is always validated (an optional property's rules are skipped when absent).
  @ExactlyOneOf(['appId', 'appName'], 'give the app by appId or by appName (exactly one)')
  @IsString()
  @Length(1, 128, { message: 'requestedBy names who or what asked (1-128 characters)' })
  requestedBy!: string;

  @IsString()
  @Length(1, 128, { message: 'idempotencyKey is required (1-128 characters)' })
  idempotencyKey!: string;

  /** Shown with the deployment, e.g. "release 1.4.2 from Jenkins". */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  message?: string;

  @IsOptional()
  @IsISO8601()
  requestedAt?: string;
}
