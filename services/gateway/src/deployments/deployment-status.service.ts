import { Injectable } from '@nestjs/common';
import {
  Actor,
  DeploymentListDto,
  DeploymentStatusDto,
  LogPageDto,
  QuerySubjects,
  stripAnsi,
} from '@slipway/contracts';
import { RpcClient } from '@slipway/nest-messaging';

const STATUS_LOG_LINES = 20;

/**
 * The status of a deployment as the portal shows it: state, stage, timings and URL from the apps service,
 * and the deployment's latest log lines from the logs service (or, once it failed, the lines the builder
 * or runtime named as the cause).
 */
@Injectable()
export class DeploymentStatusService {
  constructor(private readonly rpc: RpcClient) {}

  async ofDeployment(actor: Actor, deploymentId: string): Promise<DeploymentStatusDto> {
    const status = await this.rpc.request<DeploymentStatusDto>(QuerySubjects.DeploymentsStatus, {
      actor,
      deploymentId,
    });
    return this.withLogLines(status);
  }

  /** The latest deployment's status, or null when the app was never deployed. */
  async ofApp(actor: Actor, appId: string): Promise<DeploymentStatusDto | null> {
    const latest = await this.rpc.request<DeploymentListDto>(QuerySubjects.DeploymentsList, {
      actor,
      appId,
      limit: 1,
    });
    const deployment = latest.items[0];
    return deployment ? this.ofDeployment(actor, deployment.id) : null;
  }

  private async withLogLines(status: DeploymentStatusDto): Promise<DeploymentStatusDto> {
    if (status.lastLogLines.length > 0) return status;
    try {
      const page = await this.rpc.request<LogPageDto>(QuerySubjects.LogsQuery, {
        appId: status.appId,
        deploymentId: status.deploymentId,
        order: 'desc',
        limit: STATUS_LOG_LINES,
      });
      return { ...status, lastLogLines: page.items.map((line) => stripAnsi(line.text)).reverse() };
    } catch {
      // The status is still worth answering when the logs service is down; the lines are a bonus.
      return status;
    }
  }
}
