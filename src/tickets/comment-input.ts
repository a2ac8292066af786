import type { StoredFile } from '../db/files.js';
import { HelpdeskError } from '../errors.js';
import { limits } from './ticket-limits.js';
import { hasVisibleText } from './visible-text.js';

/** The chat a comment was written in, so it is not echoed back there (a Slack card's thread). */
export interface CommentOrigin {
  platform: string;
  chatId: string;
}

export interface CommentInput {
  text: string;
  attachments?: StoredFile[];
  origin?: CommentOrigin | null;
}

/** The trimmed text of a comment; refuses an empty one (without files) and an oversized one. */
export function checkText(text: string, attachments: StoredFile[]): string {
  const trimmed = text.trim();
  // Zero-width or control characters alone are no comment: nothing to read would be relayed.
  if (!hasVisibleText(trimmed) && attachments.length === 0) {
    throw new HelpdeskError('VALIDATION_FAILED', 'the comment is empty', {}, [
      { path: 'text', message: 'required' },
    ]);
  }
  if (trimmed.length > limits.text) {
    throw new HelpdeskError('VALIDATION_FAILED', 'the comment is too long', {}, [
      { path: 'text', message: `at most ${limits.text} characters` },
    ]);
  }
  return trimmed;
}
