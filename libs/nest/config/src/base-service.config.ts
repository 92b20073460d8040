import 'reflect-metadata';
import { IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Variables every Slipway service reads. Services extend this class with their own. */
export class BaseServiceConfig {
  @Matches(/^(nats|tls|ws|wss):\/\/\S+$/, { message: 'NATS_URL must look like nats://host:port' })
  NATS_URL: string = 'nats://127.0.0.1:4222';

  @Matches(/^mongodb(\+srv)?:\/\/\S+$/, { message: 'MONGO_URL must look like mongodb://host:port' })
  MONGO_URL: string = 'mongodb://127.0.0.1:27017';

  /** Overrides the database name `slipway_<service>`. */
  @IsString()
  MONGO_DB: string = '';

  @IsString()
  HTTP_HOST: string = '127.0.0.1';

  @IsInt()
  @Min(1)
  @Max(65535)
  HTTP_PORT: number = 3000;

  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  @IsInt()
  @Min(200)
  @Max(60_000)
  HEARTBEAT_INTERVAL_MS: number = 5000;

  /** Time allowed for in-flight work to finish on SIGTERM before the process exits anyway. */
  @IsInt()
  @Min(100)
  @Max(120_000)
  SHUTDOWN_TIMEOUT_MS: number = 10_000;
}
