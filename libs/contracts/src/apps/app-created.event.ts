import { IsISO8601, IsString, Length } from 'class-validator';

/** `app.created.v1`: an app now exists in the apps service. */
export class AppCreatedEvent {
  @IsString()
  @Length(1, 64)
  appId!: string;

  @IsString()
  name!: string;

  @IsISO8601()
  occurredAt!: string;
}
