import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import {
  APP_PLANS,
  APP_SOURCE_KINDS,
  AppPlan,
  AppSourceKind,
  DatabaseType,
  HealthCheckSpec,
  SealedSecret,
} from '@slipway/contracts';
import { HydratedDocument, SchemaTypes } from 'mongoose';

@Schema({ collection: 'apps', timestamps: true, minimize: false })
export class App {
  @Prop({ required: true, unique: true })
  name!: string;

  /** The user who owns the app; every query a user makes is filtered by it. */
  @Prop({ required: true, index: true })
  ownerId!: string;

  @Prop({ type: String, required: true, enum: APP_SOURCE_KINDS })
  sourceKind!: AppSourceKind;

  @Prop({ type: String, default: null })
  repoUrl!: string | null;

  @Prop({ type: String, default: null })
  branch!: string | null;

  @Prop({ type: String, default: null })
  image!: string | null;

  @Prop({ type: String, default: null })
  rootDirectory!: string | null;

  @Prop({ type: String, default: null })
  installCommand!: string | null;

  @Prop({ type: String, default: null })
  buildCommand!: string | null;

  @Prop({ type: String, default: null })
  startCommand!: string | null;

  @Prop({ type: Number, default: null })
  port!: number | null;

  /** Null: the platform's default health check. */
  @Prop({ type: SchemaTypes.Mixed, default: null })
  healthCheck!: HealthCheckSpec | null;

  @Prop({ type: String, enum: APP_PLANS, default: 'starter' })
  plan!: AppPlan;

  @Prop({ type: String, default: 'local' })
  region!: string;

  @Prop({ type: String, default: null })
  framework!: string | null;

  @Prop({ type: [String], default: [] })
  domains!: string[];

  @Prop({ type: Boolean, default: false })
  autoDeploy!: boolean;

  @Prop({ type: SchemaTypes.Mixed, default: () => ({ enabled: false, type: null }) })
  database!: { enabled: boolean; type: DatabaseType | null };

  @Prop({ type: Number, default: 1 })
  replicas!: number;

  @Prop({ type: String, default: 'running' })
  desiredState!: 'running' | 'stopped';

  @Prop({ type: String, default: null })
  currentDeploymentId!: string | null;

  /** The newest deployment, whatever its state: the app's status without a scan of its deployments. */
  @Prop({ type: String, default: null })
  latestDeploymentId!: string | null;

  @Prop({ type: String, default: null })
  url!: string | null;

  /** The last lifecycle command the runtime could not carry out, in its words. */
  @Prop({ type: String, default: null })
  lastLifecycleError!: string | null;

  /** Bumped on every env var change; a release remembers the revision it was started with. */
  @Prop({ type: Number, default: 0 })
  envRevision!: number;

  /** Sealed secrets behind the deploy hook URL and the GitHub webhook; created on first use. */
  @Prop({ type: SchemaTypes.Mixed, default: null })
  deployHookToken!: SealedSecret | null;

  @Prop({ type: SchemaTypes.Mixed, default: null })
  githubWebhookSecret!: SealedSecret | null;

  /** Set once `app.created.v1` is acknowledged by JetStream; until then the outbox relay retries it. */
  @Prop({ type: Date, default: null, index: true })
  createdEventPublishedAt!: Date | null;

  /** Set when the owner deletes the app: it is gone for every query, and removed once app.deleted.v1 is out. */
  @Prop({ type: Date, default: null, index: true })
  deletedAt!: Date | null;

  createdAt!: Date;
  updatedAt!: Date;
}

export type AppDocument = HydratedDocument<App>;
export const AppSchema = SchemaFactory.createForClass(App);
