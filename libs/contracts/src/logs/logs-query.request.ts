import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { LOG_SOURCES, LogSource } from './log-line.dto';

/** `logs.query`: newest-last lines of one app. */
export class LogsQueryRequest {
  @IsString()
  @Length(1, 64)
  appId!: string;

  @IsOptional()
  @IsIn(LOG_SOURCES)
  source?: LogSource;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}
