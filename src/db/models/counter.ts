import { Schema } from 'mongoose';

/** Atomic sequences (`_id` is the sequence name), advanced with $inc upserts. */
export const counterSchema = new Schema(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true },
  },
  { collection: 'counters', versionKey: false },
);
