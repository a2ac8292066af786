import { Schema, type InferSchemaType } from 'mongoose';

/** An API token: only its SHA-256 hash is stored, the token itself is shown once. */
export const apiTokenSchema = new Schema(
  {
    hash: { type: String, required: true },
    prefix: { type: String, required: true },
    name: { type: String, required: true },
    personId: { type: Schema.Types.ObjectId, required: true },
    revokedAt: { type: Date, default: null },
    lastUsedAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'api_tokens' },
);

apiTokenSchema.index({ hash: 1 }, { unique: true });
apiTokenSchema.index({ personId: 1 });
apiTokenSchema.index({ prefix: 1 });

export type ApiTokenDoc = InferSchemaType<typeof apiTokenSchema>;
