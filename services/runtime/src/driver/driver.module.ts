import { Logger, Module } from '@nestjs/common';
import { getModelToken, MongooseModule } from '@nestjs/mongoose';
import { DockerClient } from '@slipway/nest-docker';
import { Model } from 'mongoose';
import { RuntimeConfig } from '../config/runtime.config';
import { PortAllocation, PortAllocationSchema } from '../state/schemas/port-allocation.schema';
import { DockerDriver } from './docker-driver';
import { PersistentPortAllocator } from './persistent-port-allocator';
import { RUNTIME_DRIVER } from './runtime-driver';

/** The runtime driver (Docker) with host ports allocated from the database. */
@Module({
  imports: [MongooseModule.forFeature([{ name: PortAllocation.name, schema: PortAllocationSchema }])],
  providers: [
    {
      provide: PersistentPortAllocator,
      inject: [getModelToken(PortAllocation.name), RuntimeConfig],
      useFactory: (model: Model<PortAllocation>, config: RuntimeConfig) =>
        new PersistentPortAllocator(model, { from: config.HOST_PORT_FROM, to: config.HOST_PORT_TO }),
    },
    {
      provide: RUNTIME_DRIVER,
      inject: [DockerClient, PersistentPortAllocator, RuntimeConfig],
      useFactory: (docker: DockerClient, ports: PersistentPortAllocator, config: RuntimeConfig) =>
        new DockerDriver(docker.engine, ports, {
          defaultGraceMs: config.STOP_GRACE_MS,
          bindIp: config.INSTANCE_BIND_IP,
          reachHost: config.INSTANCE_REACH_HOST,
          logger: new Logger(DockerDriver.name),
        }),
    },
  ],
  exports: [RUNTIME_DRIVER, PersistentPortAllocator],
})
export class DriverModule {}
