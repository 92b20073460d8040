import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { Actor, AppDto, QuerySubjects } from '@slipway/contracts';
import { NatsConnectionProvider, RpcClient } from '@slipway/nest-messaging';
import type { Request, Response } from 'express';
import { LIVE_MAX_PENDING, LiveLogsQueryParams } from './dto/live-logs-query.params';
import { LiveLogSession } from './live-log-session';

/** Opens live tails: checks the app, then streams its lines to the response until the client leaves. */
@Injectable()
export class LiveLogStreamService implements BeforeApplicationShutdown {
  /** Open tails and their responses, ended on shutdown so the HTTP server can close. */
  private readonly sessions = new Map<LiveLogSession, Response>();

  constructor(
    private readonly rpc: RpcClient,
    private readonly nats: NatsConnectionProvider,
  ) {}

  /** Throws (→ problem+json) before any byte is written when the app is unknown. */
  async stream(
    actor: Actor,
    appId: string,
    params: LiveLogsQueryParams,
    after: number | undefined,
    request: Request,
    response: Response,
  ): Promise<void> {
    const app = await this.rpc.request<AppDto>(QuerySubjects.AppsGet, { actor, id: appId });
    const connection = await this.nats.get();
    const session = new LiveLogSession(
      {
        appId: app.id,
        deploymentId: params.deploymentId,
        source: params.source,
        after,
        maxPending: params.maxPending ?? LIVE_MAX_PENDING,
      },
      connection,
      this.rpc,
      response,
    );
    this.sessions.set(session, response);
    const end = (): void => {
      session.close();
      this.sessions.delete(session);
    };
    // The response closes when the client goes away (the request's own 'close' can fire earlier).
    response.on('close', end);
    // Subscribe before anything is read back, so a line is either stored (replayed) or seen live.
    try {
      await session.subscribe();
    } catch (error) {
      end();
      throw error;
    }
    request.socket.setNoDelay(true);
    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    response.setHeader('Cache-Control', 'no-cache, no-transform');
    response.setHeader('Connection', 'keep-alive');
    response.setHeader('X-Accel-Buffering', 'no');
    response.flushHeaders();
    if (response.destroyed) end();
    await session.run();
  }

  /** Ends every open tail; browsers reconnect (to another instance) with their Last-Event-ID. */
  beforeApplicationShutdown(): void {
    for (const [session, response] of this.sessions) {
      session.close();
      response.end();
    }
    this.sessions.clear();
  }
}
