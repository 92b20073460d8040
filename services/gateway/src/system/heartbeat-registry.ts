import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  EventSubjects,
  HeartbeatEvent,
  parsePayload,
  SERVICE_NAMES,
  ServiceHealthDto,
  ServiceName,
  ServiceState,
  SystemHealthDto,
} from '@slipway/contracts';
import { decodeJson, NatsConnectionProvider } from '@slipway/nest-messaging';
import { Subscription } from 'nats';
import { GatewayConfig } from '../config/gateway.config';

interface LastHeartbeat {
  event: HeartbeatEvent;
  receivedAt: number;
}

/** Pure: the platform's health from the last heartbeat of each service, as seen at `now`. */
export function summarizeHealth(
  last: ReadonlyMap<ServiceName, LastHeartbeat>,
  now: number,
  staleAfterSeconds: number,
): SystemHealthDto {
  const services: ServiceHealthDto[] = SERVICE_NAMES.map((name) => {
    const beat = last.get(name);
    if (!beat) {
      return {
        name,
        status: 'down',
        version: null,
        instanceId: null,
        uptimeSeconds: null,
        lastSeenAt: null,
        dependencies: [],
      };
    }
    const stale = now - beat.receivedAt > staleAfterSeconds * 1000;
    const dependencyDown = beat.event.dependencies.some((dependency) => dependency.status === 'down');
    const status: ServiceState = stale ? 'down' : dependencyDown ? 'degraded' : 'up';
    return {
      name,
      status,
      version: beat.event.version,
      instanceId: beat.event.instanceId,
      uptimeSeconds: beat.event.uptimeSeconds,
      lastSeenAt: new Date(beat.receivedAt).toISOString(),
      dependencies: beat.event.dependencies.map((dependency) => ({ ...dependency })),
      // A builder that stopped beating no longer vouches for its queue: its builds are re-queued at start.
      ...(beat.event.buildQueue && !stale ? { buildQueue: { ...beat.event.buildQueue } } : {}),
    };
  });
  const states = services.map((service) => service.status);
  const status: ServiceState = states.every((state) => state === 'up')
    ? 'up'
    : states.every((state) => state === 'down')
      ? 'down'
      : 'degraded';
  return { status, generatedAt: new Date(now).toISOString(), staleAfterSeconds, services };
}

/** Listens to every service's heartbeat and remembers the last one of each. */
@Injectable()
export class HeartbeatRegistry implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HeartbeatRegistry.name);
  private readonly last = new Map<ServiceName, LastHeartbeat>();
  private subscription?: Subscription;

  constructor(
    private readonly nats: NatsConnectionProvider,
    private readonly config: GatewayConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const connection = await this.nats.get();
    this.subscription = connection.subscribe(EventSubjects.HealthHeartbeat, {
      callback: (error, message) => {
        if (error) return;
        try {
          const event = parsePayload(HeartbeatEvent, decodeJson(message.data));
          this.last.set(event.service, { event, receivedAt: Date.now() });
        } catch (invalid) {
          this.logger.warn(`Ignored an invalid heartbeat: ${(invalid as Error).message}`);
        }
      },
    });
  }

  snapshot(now = Date.now()): SystemHealthDto {
    return summarizeHealth(this.last, now, this.config.HEALTH_STALE_AFTER_SECONDS);
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }
}
