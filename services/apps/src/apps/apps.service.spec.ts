import { Actor } from '@slipway/contracts';
import { DomainError, EventPublisher } from '@slipway/nest-messaging';
import { Model, Types } from 'mongoose';
import { AppsService } from './apps.service';
import { Outbox } from '../outbox/outbox.service';
import { App } from './schemas/app.schema';

const actor: Actor = { userId: 'user-1', role: 'user' };
const outbox = { send: async () => undefined } as unknown as Outbox;

interface StoredApp extends App {
  _id: Types.ObjectId;
}

/** An in-memory stand-in for the mongoose model: enough of create/updateOne for the service's logic. */
function fakeModel(existingNames: string[] = []) {
  const stored: StoredApp[] = [];
  const updates: Array<{ id: string; set: Record<string, unknown> }> = [];
  const model = {
    async create(fields: Partial<App>) {
      if (existingNames.includes(fields.name ?? ''))
        throw Object.assign(new Error('E11000 duplicate key'), { code: 11000 });
      const now = new Date('2026-11-29T10:00:00.000Z');
      const app = {
        _id: new Types.ObjectId(),
        createdAt: now,
        updatedAt: now,
        createdEventPublishedAt: null,
        ...fields,
      } as StoredApp;
      stored.push(app);
      return app;
    },
    updateOne(filter: { _id: Types.ObjectId }, update: { $set: Record<string, unknown> }, _options?: object) {
      updates.push({ id: filter._id.toHexString(), set: update.$set });
      return { exec: async () => ({ acknowledged: true }) };
    },
  };
  return { model: model as unknown as Model<App>, stored, updates };
}

function fakePublisher(failWith?: Error) {
  const published: Array<{ subject: string; payload: object; messageId: string }> = [];
  const publisher = {
    async publish(subject: string, payload: object, options: { messageId: string }) {
      if (failWith) throw failWith;
      published.push({ subject, payload, messageId: options.messageId });
      return { stream: 'SLIPWAY_EVENTS', seq: published.length, duplicate: false };
    },
  };
  return { publisher: publisher as unknown as EventPublisher, published };
}

describe('AppsService.create', () => {
  it('stores a git app with the default branch and publishes app.created.v1 keyed by the app id', async () => {
    const { model, updates } = fakeModel();
    const { publisher, published } = fakePublisher();
    const app = await new AppsService(model, publisher, outbox).create({
      actor,
      name: 'web',
      repoUrl: 'https://example.com/web.git',
    });

    expect(app).toMatchObject({
      name: 'web',
      ownerId: 'user-1',
      sourceKind: 'git',
      branch: 'main',
      image: null,
    });
    expect(published).toEqual([
      {
        subject: 'app.created.v1',
        payload: { appId: app.id, name: 'web', occurredAt: '2026-11-29T10:00:00.000Z' },
        messageId: `app.created:${app.id}`,
      },
    ]);
    expect(updates.map((update) => update.id)).toEqual([app.id]);
    expect(updates[0]?.set['createdEventPublishedAt']).toBeInstanceOf(Date);
  });

  it('refuses a second app with the same name as a conflict naming the app', async () => {
    const { model } = fakeModel(['web']);
    const { publisher, published } = fakePublisher();
    const attempt = new AppsService(model, publisher, outbox).create({
      actor,
      name: 'web',
      image: 'nginx:1',
    });
    await expect(attempt).rejects.toThrow(DomainError);
    await expect(attempt).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'An app named "web" already exists.',
    });
    expect(published).toHaveLength(0);
  });

  it('refuses a git source without a repository URL, saying what is missing', async () => {
    const { model, stored } = fakeModel();
    const { publisher } = fakePublisher();
    await expect(
      new AppsService(model, publisher, outbox).create({ actor, name: 'web', sourceKind: 'git' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
      details: ['repoUrl is required for a git source'],
    });
    expect(stored).toHaveLength(0);
  });

  it('keeps the app when NATS is unreachable and leaves its event to the outbox relay', async () => {
    const { model, stored, updates } = fakeModel();
    const { publisher } = fakePublisher(new Error('CONNECTION_REFUSED'));
    const app = await new AppsService(model, publisher, outbox).create({
      actor,
      name: 'web',
      image: 'nginx:1',
    });
    expect(app.sourceKind).toBe('image');
    expect(stored).toHaveLength(1);
    expect(updates).toHaveLength(0);
  });
});
