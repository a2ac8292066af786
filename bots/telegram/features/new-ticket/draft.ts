import { ObjectId } from 'mongodb';
import type { StoredFile } from '../../../../src/db/files.js';
import type { BotContext, DraftFile, NewTicketDialog, NewTicketStep, TelegramFileRef } from '../../context.js';
import { StaleButtonError } from '../../runtime/bot-errors.js';
import type { BotServices } from '../../services.js';

/** Files per ticket from a chat: enough for screenshots, few enough to relay. */
export const MAX_DRAFT_FILES = 10;

/** The /new dialog if it is at one of `steps`; a press from another step is stale. */
export function dialogAt(ctx: BotContext, ...steps: NewTicketStep[]): NewTicketDialog {
  const dialog = ctx.chat?.type === 'private' ? ctx.session.dialog : undefined;
  if (dialog?.kind !== 'new' || (steps.length > 0 && !steps.includes(dialog.step))) throw new StaleButtonError();
  return dialog;
}

export function toStoredFile(file: DraftFile): StoredFile {
  return { fileId: new ObjectId(file.fileId), name: file.name, contentType: file.contentType, size: file.size };
}

/** Downloads a Telegram file into GridFS and adds it to the draft. */
export async function addDraftFile(services: BotServices, dialog: NewTicketDialog, ref: TelegramFileRef): Promise<DraftFile> {
  const stored = await services.downloader.store(ref);
  const file = { fileId: stored.fileId.toHexString(), name: stored.name, contentType: stored.contentType, size: stored.size };
  dialog.files.push(file);
  return file;
}

/** Removes the stored files of an abandoned draft: no ticket will ever point at them. */
export async function discardDraft(services: BotServices, dialog: NewTicketDialog | undefined): Promise<void> {
  for (const file of dialog?.files ?? []) await services.files.discard(new ObjectId(file.fileId));
}
