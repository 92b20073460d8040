import { IsString, Length } from 'class-validator';

/** `apps.get`: one app by id. */
export class GetAppRequest {
  @IsString()
  @Length(1, 64)
  id!: string;
}
