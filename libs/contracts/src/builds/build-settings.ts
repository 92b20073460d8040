import { IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** Per-app overrides of what the builder detects. Every field is optional. */
export class BuildSettings {
  /** Subfolder of the source to build (monorepos), e.g. `apps/web`. */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  rootDirectory?: string;

  /** Dockerfile path relative to the root directory (default `Dockerfile`). */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  dockerfilePath?: string;

  /** Build context relative to the root directory (default `.`), for Dockerfile builds. */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  dockerContext?: string;

  @IsOptional()
  @IsObject()
  buildArgs?: Record<string, string>;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  installCommand?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  buildCommand?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  startCommand?: string;

  /** Folder holding index.html after the build, for static sites (e.g. `dist`). */
  @IsOptional()
  @IsString()
  @MaxLength(512)
  staticOutputDir?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;
}
