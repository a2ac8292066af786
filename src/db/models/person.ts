import { Schema, type InferSchemaType, type Types } from 'mongoose';

export const roles = ['requester', 'agent', 'coordinator', 'manager', 'admin'] as const;
export type Role = (typeof roles)[number];

/**
 * A person of the directory. Platform identities live in the `identities` collection,
 * unique per (platform, id), because optional unique keys cannot be indexed portably.
 */
export const personSchema = new Schema(
  {
    name: { type: String, required: true },
    email: { type: String },
    phone: { type: String },
    company: { type: String },
    unit: { type: String },
    /** From a directory import: job title, and the e-mail of the person's manager. */
    title: { type: String },
    manager: { type: String },
    /**
     * Every phone number the directory knows for the person (`phone` is the first), and their
     * keys as `phoneKey` makes them, so a shared Telegram contact finds the person by any.
     */
    phones: { type: [String], default: undefined },
    phoneKeys: { type: [String], default: undefined },
    /** From LDAP / AD: the entry's stable key (objectGUID, entryUUID) and its DN when last read. */
    directoryKey: { type: String },
    directoryDn: { type: String },
    /** When a mail to the person's address last bounced (a delivery report came back). */
    emailFailingAt: { type: Date },
    role: { type: String, enum: roles, required: true, default: 'requester' },
    departments: { type: [String], default: [] },
    locale: { type: String },
    active: { type: Boolean, default: true },
    /**
     * `config`: managed by the org config file; `import`: from a directory import (CSV);
     * `directory`: from the LDAP / AD sync;
     * `registration`: self-registered in a chat; `system`: the helpdesk itself, the actor of
     * automatic changes (SLA steps, auto-close).
     */
    origin: { type: String, enum: ['config', 'import', 'directory', 'registration', 'api', 'system'], required: true },
    /**
     * The person's own choice of how to be notified, never touched by the config sync:
     * `channels` empty means every channel the person has; `muted` stops personal notices
     * (cards in chats and SLA alerts to on-duty people still arrive).
     */
    notify: {
      channels: { type: [String], default: [] },
      muted: { type: Boolean, default: false },
    },
    configHash: { type: String },
  },
  { timestamps: true, collection: 'people' },
);

personSchema.index({ email: 1 });
personSchema.index({ directoryKey: 1 });
personSchema.index({ phoneKeys: 1, active: 1 });
personSchema.index({ role: 1, active: 1 });
personSchema.index({ departments: 1, active: 1 });

export type PersonDoc = InferSchemaType<typeof personSchema> & { _id: Types.ObjectId };
