import { DynamicModule, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { DependencyProbe, DependencyProbes } from '@slipway/nest-health';
import Docker from 'dockerode';

/** The Docker Engine client of a service (dockerode over the engine's unix socket). */
@Injectable()
export class DockerClient {
  readonly engine: Docker;

  constructor(readonly socketPath: string) {
    this.engine = new Docker({ socketPath });
  }
}

@Injectable()
export class DockerProbe implements DependencyProbe, OnModuleInit {
  readonly name = 'docker' as const;

  constructor(
    private readonly docker: DockerClient,
    private readonly probes: DependencyProbes,
  ) {}

  onModuleInit(): void {
    this.probes.add(this);
  }

  async check(): Promise<string> {
    const version = await this.docker.engine.version();
    return `engine ${version.Version}`;
  }
}

@Module({})
export class DockerModule {
  static forRoot(options: { socketPath: string }): DynamicModule {
    return {
      module: DockerModule,
      global: true,
      providers: [{ provide: DockerClient, useValue: new DockerClient(options.socketPath) }, DockerProbe],
      exports: [DockerClient],
    };
  }
}
