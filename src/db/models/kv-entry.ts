import { Schema } from 'mongoose';

/**
 * Small keyed state that must survive a restart: chat dialog sessions, processed update ids.
 * `scope` separates the users of the collection.
 */
export const kvEntrySchema = new Schema(
  {
    scope: { type: String, required: true },
    key: { type: String, required: true },
    value: { type: Schema.Types.Mixed },
  },
  { timestamps: true, collection: 'kv_entries', minimize: false },
);

kvEntrySchema.index({ scope: 1, key: 1 }, { unique: true });
// Pruning and the Telegram inbox's recovery read one scope by age.
kvEntrySchema.index({ scope: 1, updatedAt: 1 });
