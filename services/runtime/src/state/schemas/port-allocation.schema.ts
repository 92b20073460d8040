import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { HydratedDocument } from 'mongoose';

/** A host port handed to an instance. The unique index is what keeps two releases off the same port. */
@Schema({ collection: 'ports', minimize: false })
export class PortAllocation {
  @Prop({ required: true, unique: true })
  port!: number;

  @Prop({ required: true })
  allocatedAt!: Date;
}

export type PortAllocationDocument = HydratedDocument<PortAllocation>;
export const PortAllocationSchema = SchemaFactory.createForClass(PortAllocation);
