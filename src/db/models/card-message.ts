import { Schema, type InferSchemaType } from 'mongoose';

/** Where a ticket's card was posted, so every later change edits it in place. */
export const cardMessageSchema = new Schema(
  {
    ticketId: { type: Schema.Types.ObjectId, required: true },
    ticketNumber: { type: Number, required: true },
    platform: { type: String, enum: ['telegram', 'slack'], required: true },
    chatId: { type: String, required: true },
    messageId: { type: String, required: true },
    /** The ticket version the card shows, so an older render never overwrites a newer one. */
    version: { type: Number, required: true },
    /** A card shown in one person's chat (/ticket, /next): it follows the ticket while they may see it. */
    viewerId: { type: Schema.Types.ObjectId, default: null },
    /** The chat lost sight of the ticket (transferred away): the card was left read-only. */
    frozen: { type: Boolean, default: false },
  },
  { timestamps: true, collection: 'card_messages' },
);

cardMessageSchema.index({ ticketId: 1, platform: 1, chatId: 1 }, { unique: true });
cardMessageSchema.index({ platform: 1, chatId: 1, messageId: 1 });

export type CardMessageDoc = InferSchemaType<typeof cardMessageSchema>;
