import { Schema, type InferSchemaType } from 'mongoose';

export const platforms = ['telegram', 'slack', 'email', 'phone'] as const;
export type Platform = (typeof platforms)[number];

/** Links one account on one platform to one person. */
export const identitySchema = new Schema(
  {
    platform: { type: String, enum: platforms, required: true },
    externalId: { type: String, required: true },
    personId: { type: Schema.Types.ObjectId, required: true },
  },
  { timestamps: true, collection: 'identities' },
);

identitySchema.index({ platform: 1, externalId: 1 }, { unique: true });
identitySchema.index({ personId: 1 });

export type IdentityDoc = InferSchemaType<typeof identitySchema>;
