import { Schema, type InferSchemaType } from 'mongoose';
import { localizedTextType } from './localized.js';

const categorySchema = new Schema(
  {
    key: { type: String, required: true },
    name: localizedTextType,
  },
  { _id: false },
);

/**
 * A department as synced from the org config. `settings` keeps the config's business
 * hours, SLA and other per-department options as given, so later features read them
 * without another migration.
 */
export const departmentSchema = new Schema(
  {
    key: { type: String, required: true },
    name: localizedTextType,
    email: { type: String },
    categories: { type: [categorySchema], default: [] },
    telegramChats: { type: [String], default: [] },
    slackChannels: { type: [String], default: [] },
    settings: { type: Schema.Types.Mixed, default: {} },
    active: { type: Boolean, default: true },
    configHash: { type: String },
  },
  { timestamps: true, collection: 'departments', minimize: false },
);

departmentSchema.index({ key: 1 }, { unique: true });

export type DepartmentDoc = InferSchemaType<typeof departmentSchema>;
