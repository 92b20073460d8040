import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** DNS label: becomes part of the app's URL (`<name>.<base domain>`). */
export const APP_NAME_PATTERN = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
export const APP_NAME_RULE =
  'app name must be 1-63 characters of lowercase letters, digits and hyphens, start with a letter and not end with a hyphen';

export const APP_SOURCE_KINDS = ['git', 'image', 'archive'] as const;
export type AppSourceKind = (typeof APP_SOURCE_KINDS)[number];

/** `apps.create`: sent by the gateway on `POST /api/v1/apps`. */
export class CreateAppRequest {
  @IsString()
  @Matches(APP_NAME_PATTERN, { message: APP_NAME_RULE })
  name!: string;

  @IsOptional()
  @IsIn(APP_SOURCE_KINDS, { message: `sourceKind must be one of ${APP_SOURCE_KINDS.join(', ')}` })
  sourceKind?: AppSourceKind;

  @IsOptional()
  @IsString()
  @MaxLength(2048)
  repoUrl?: string;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  branch?: string;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  image?: string;
}
