import type { Express } from 'express';
import { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StablePrototypeExpressAdapter } from './stable-prototype-express-adapter';

describe('StablePrototypeExpressAdapter', () => {
  let app: Express;
  let server: Server;
  let baseUrl: string;
  /** The prototypes of each request and response as Node handed them over, before Express saw them. */
  const constructedWith: Array<{ request: object | null; response: object | null }> = [];

  beforeAll(async () => {
    const adapter = new StablePrototypeExpressAdapter();
    adapter.initHttpServer({});
    app = adapter.getInstance<Express>();
    app.get('/items/:id', (request, response) => {
      response.status(201).json({
        id: request.params['id'],
        query: request.query['q'],
        header: request.get('x-probe'),
        isIncomingMessage: request instanceof IncomingMessage,
        isServerResponse: response instanceof ServerResponse,
        reachesApp: request.app === app && response.app === app,
      });
    });
    server = adapter.getHttpServer() as Server;
    server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
      constructedWith.push({
        request: Object.getPrototypeOf(request) as object | null,
        response: Object.getPrototypeOf(response) as object | null,
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it("constructs every request and response with the app's prototypes, so Express has none to swap", async () => {
    await fetch(`${baseUrl}/items/1`);
    await fetch(`${baseUrl}/items/2`);
    expect(constructedWith).toHaveLength(2);
    for (const prototypes of constructedWith) {
      expect(prototypes.request).toBe(app.request);
      expect(prototypes.response).toBe(app.response);
    }
  });

  it("keeps Express's request and response helpers and Node's classes", async () => {
    const response = await fetch(`${baseUrl}/items/7?q=cats`, { headers: { 'x-probe': 'yes' } });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({
      id: '7',
      query: 'cats',
      header: 'yes',
      isIncomingMessage: true,
      isServerResponse: true,
      reachesApp: true,
    });
  });
});
