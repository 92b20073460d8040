import Docker from 'dockerode';
import { MongoClient } from 'mongodb';
import { connect, NatsConnection, StringCodec } from 'nats';

import { startCaddy, StartedCaddy } from './caddy';
import { dockerSocketPath, ensureDockerAvailable, removeContainersByLabel } from './docker';
import { startDatabase, StartedDatabase } from './mongo';
import { uniqueName } from './names';
import { startNats, StartedNats } from './nats';
import { ManagedProcess } from './processes';

// Each starter must give a dependency that really works, on its own free ports.
jest.setTimeout(60_000);

describe('startNats', () => {
  let nats: StartedNats;
  let connection: NatsConnection;
  const codec = StringCodec();

  beforeAll(async () => {
    nats = await startNats();
    connection = await connect({ servers: nats.url });
  });

  afterAll(async () => {
    await connection?.close();
    await nats?.stop();
  });

  it('answers a request with the reply of a subscriber', async () => {
    const subject = uniqueName('echo');
    connection.subscribe(subject, {
      callback: (_error, message) => message.respond(codec.encode(`echo: ${codec.decode(message.data)}`)),
    });

    const reply = await connection.request(subject, codec.encode('ping'), { timeout: 2000 });

    expect(codec.decode(reply.data)).toBe('echo: ping');
  });

  it('has JetStream: a stream can be created and stores a published message', async () => {
    const streamName = uniqueName('TEST');
    const manager = await connection.jetstreamManager();
    await manager.streams.add({ name: streamName, subjects: [`${streamName}.>`] });

    const ack = await connection.jetstream().publish(`${streamName}.created`, codec.encode('{}'));

    expect(ack.stream).toBe(streamName);
    expect((await manager.streams.info(streamName)).state.messages).toBe(1);
  });

  it('serves monitoring on its own port', async () => {
    const response = await fetch(`${nats.monitorUrl}/healthz`);

    expect(response.status).toBe(200);
  });
});

describe('startDatabase', () => {
  let database: StartedDatabase;
  let client: MongoClient;

  beforeAll(async () => {
    database = await startDatabase();
    client = await new MongoClient(database.url).connect();
  });

  afterAll(async () => {
    await client?.close();
    await database?.stop();
  });

  it('stores a document and finds it again', async () => {
    const collection = client
      .db(uniqueName('testing'))
      .collection<{ name: string; replicas: number }>('apps');

    await collection.insertOne({ name: 'hello-world', replicas: 2 });
    const found = await collection.findOne({ name: 'hello-world' });

    expect(found).toMatchObject({ name: 'hello-world', replicas: 2 });
  });
});

describe('startCaddy', () => {
  let caddy: StartedCaddy;

  beforeAll(async () => {
    caddy = await startCaddy();
  });

  afterAll(async () => {
    await caddy?.stop();
  });

  it('answers on its admin API with the slipway server configured', async () => {
    const response = await fetch(`${caddy.adminUrl}/config/apps/http/servers/slipway/listen`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([`:${caddy.httpPort}`]);
  });

  it('answers a host with no app with the friendly 404 page', async () => {
    const response = await fetch(`http://127.0.0.1:${caddy.httpPort}/`, {
      headers: { Host: 'no-such-app.localhost' },
    });

    expect(response.status).toBe(404);
    expect(await response.text()).toContain('No Slipway app is deployed at this address');
  });
});

describe('ManagedProcess', () => {
  it('keeps recent output and reports a crash (SIGKILL) as such', async () => {
    const managed = await ManagedProcess.start({
      name: 'sleeper',
      command: process.execPath,
      args: ['-e', 'console.log("started"); setInterval(() => {}, 1000)'],
    });
    await waitForOutput(managed, 'started');

    const exit = await managed.kill();

    expect(exit.signal).toBe('SIGKILL');
    expect(managed.exited).toBe(true);
  });

  it('escalates to SIGKILL when a process ignores SIGTERM', async () => {
    const managed = await ManagedProcess.start({
      name: 'stubborn',
      command: process.execPath,
      args: ['-e', 'process.on("SIGTERM", () => {}); console.log("ready"); setInterval(() => {}, 1000)'],
      stopGracePeriodMs: 300,
    });
    await waitForOutput(managed, 'ready');

    const exit = await managed.stop();

    expect(exit.signal).toBe('SIGKILL');
  });
});

describe('removeContainersByLabel', () => {
  it('removes the containers with the label and leaves others alone', async () => {
    await ensureDockerAvailable();
    const docker = new Docker({ socketPath: dockerSocketPath() });
    const label = 'io.slipway.test-run';
    const run = uniqueName('run');
    const image = 'slipway-local/static:bookworm'; // built by deploy/scripts/build-base-images.sh
    const doomed = await docker.createContainer({ Image: image, Labels: { [label]: run } });
    const bystander = await docker.createContainer({ Image: image, Labels: { [label]: `${run}-other` } });

    try {
      expect(await removeContainersByLabel(label, run)).toBe(1);
      await expect(doomed.inspect()).rejects.toMatchObject({ statusCode: 404 });
      await expect(bystander.inspect()).resolves.toBeDefined();
    } finally {
      await removeContainersByLabel(label, `${run}-other`);
    }
  });
});

async function waitForOutput(managed: ManagedProcess, text: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!managed.recentOutput().includes(text)) {
    if (Date.now() > deadline) {
      throw new Error(`${managed.name} never printed "${text}"`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
