import { Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length, MaxLength, ValidateNested } from 'class-validator';

/**
 * A secret sealed with AES-256-GCM under a key the platform's services share (`SECRETS_KEYS`), so it stays
 * encrypted at rest in JetStream too. Only the service that needs the plain value opens it, at the moment
 * it needs it.
 */
export class SealedSecret {
  @IsString()
  @Length(1, 64)
  keyId!: string;

  /** base64 of iv (12 bytes) + auth tag (16 bytes) + ciphertext. */
  @IsString()
  @MaxLength(16_384)
  sealed!: string;
}

export const BUILD_SOURCE_KINDS = ['git', 'archive', 'image'] as const;
export type BuildSourceKind = (typeof BUILD_SOURCE_KINDS)[number];

export class BuildSource {
  @IsIn(BUILD_SOURCE_KINDS)
  kind!: BuildSourceKind;

  /** git: an https URL (file:// and local paths only where explicitly enabled for development). */
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  repoUrl?: string;

  /** git: a branch, tag or full commit SHA; the default branch when omitted. */
  @IsOptional()
  @IsString()
  @MaxLength(255)
  ref?: string;

  /** git: a token for a private repository, sealed. */
  @IsOptional()
  @ValidateNested()
  @Type(() => SealedSecret)
  accessToken?: SealedSecret;

  /** archive: the object name in the `slipway-archives` JetStream object store. */
  @IsOptional()
  @IsString()
  @MaxLength(255)
  archiveObject?: string;

  /** image: a local image reference to release without building. */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  image?: string;
}
