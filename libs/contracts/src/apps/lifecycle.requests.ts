import { ArrayMaxSize, IsArray, IsIn, IsInt, Matches, Max, Min } from 'class-validator';
import { DOMAIN_PATTERN, DOMAIN_RULE } from './create-app.request';
import { AppScopedRequest } from './get-app.request';

export const APP_POWER_ACTIONS = ['stop', 'start', 'restart'] as const;
export type AppPowerAction = (typeof APP_POWER_ACTIONS)[number];

/** `rpc.apps.power`: stop, start or restart the running release. */
export class AppPowerRequest extends AppScopedRequest {
  @IsIn(APP_POWER_ACTIONS, { message: `action must be one of ${APP_POWER_ACTIONS.join(', ')}` })
  action!: AppPowerAction;
}

/** `rpc.apps.scale` */
export class ScaleAppRequest extends AppScopedRequest {
  @IsInt()
  @Min(1)
  @Max(20)
  replicas!: number;
}

/** `rpc.apps.domains.set`: the full list of custom domains. */
export class SetDomainsRequest extends AppScopedRequest {
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(DOMAIN_PATTERN, { each: true, message: DOMAIN_RULE })
  domains!: string[];
}

/** What a lifecycle command returned: the command was accepted; the runtime reports the outcome. */
export interface LifecycleAcceptedDto {
  appId: string;
  operationId: string;
  operation: string;
  acceptedAt: string;
}
