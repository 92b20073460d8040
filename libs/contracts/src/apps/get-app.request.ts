import { Type } from 'class-transformer';
import {
  IsDefined,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Actor } from '../auth/actor';

/** The `actor` of an app-scoped request: required, and checked field by field. */
export function ValidActor(): PropertyDecorator {
  return (target: object, property: string | symbol) => {
    IsDefined({ message: 'actor is required: every app-scoped request says who is asking' })(
      target,
      property,
    );
    ValidateNested()(target, property as string);
    Type(() => Actor)(target, property as string);
  };
}

/** `rpc.apps.get` and `rpc.apps.delete`: one app by id, as seen by the actor (another user's app is not found). */
export class GetAppRequest {
  @ValidActor()
  actor!: Actor;

  @IsString()
  @Length(1, 64)
  id!: string;
}

export class DeleteAppRequest extends GetAppRequest {}

export const LIST_DEFAULT_LIMIT = 50;
export const LIST_MAX_LIMIT = 200;

/** A page of a list, newest first; `cursor` is the previous page's `nextCursor`. */
export class PageRequest {
  @IsOptional()
  @IsString()
  @MaxLength(128)
  cursor?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(LIST_MAX_LIMIT)
  limit?: number;
}

/** `rpc.apps.list`: the actor's apps (every app for an admin). */
export class ListAppsRequest extends PageRequest {
  @ValidActor()
  actor!: Actor;
}

/** Base of every request about something inside one app (env vars, deployments, lifecycle). */
export class AppScopedRequest {
  @ValidActor()
  actor!: Actor;

  @IsString()
  @Length(1, 64)
  appId!: string;
}
