import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument } from 'mongoose';

/** The route Caddy should have for an app; reconciliation rebuilds Caddy's config from these. */
export interface PersistedRoute {
  hosts: string[];
  upstreams: string[];
  healthPath: string | null;
  stopped: boolean;
}

/** What should run for one app: the runtime's desired state. */
@Schema({ collection: 'apps', timestamps: true, minimize: false })
export class RuntimeApp {
  @Prop({ required: true, unique: true })
  appId!: string;

  @Prop({ required: true })
  appName!: string;

  @Prop({ type: [String], default: [] })
  domains!: string[];

  @Prop({ type: Number, default: 1 })
  desiredReplicas!: number;

  @Prop({ type: Boolean, default: false })
  stopped!: boolean;

  @Prop({ type: String, default: null })
  currentReleaseId!: string | null;

  @Prop({ type: String, default: null })
  previousReleaseId!: string | null;

  @Prop({
    type: { hosts: [String], upstreams: [String], healthPath: String, stopped: Boolean, _id: false },
    default: null,
  })
  route!: PersistedRoute | null;
}

export type RuntimeAppDocument = HydratedDocument<RuntimeApp>;
export const RuntimeAppSchema = SchemaFactory.createForClass(RuntimeApp);
