import { Schema, type InferSchemaType } from 'mongoose';

/**
 * A chat or channel bound to a department at run time (`/bind` in a group). Bindings from
 * the org config live on the department; these are added by admins from the chat itself.
 */
export const chatBindingSchema = new Schema(
  {
    platform: { type: String, enum: ['telegram', 'slack'], required: true },
    chatId: { type: String, required: true },
    department: { type: String, required: true },
    boundBy: { type: Schema.Types.ObjectId, required: true },
    active: { type: Boolean, default: true },
  },
  { timestamps: true, collection: 'chat_bindings' },
);

chatBindingSchema.index({ platform: 1, chatId: 1 }, { unique: true });
chatBindingSchema.index({ department: 1, active: 1 });

export type ChatBindingDoc = InferSchemaType<typeof chatBindingSchema>;
