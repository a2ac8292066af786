import { Composer } from 'grammy';
import { limits } from '../../../../src/tickets/ticket-limits.js';
import { hasVisibleText } from '../../../../src/tickets/visible-text.js';
import type { BotContext, NewTicketDialog } from '../../context.js';
import type { BotServices } from '../../services.js';
import { formatBytes } from '../../ui/format.js';
import { keyboardOf } from '../../ui/keyboard.js';
import { addDraftFile, MAX_DRAFT_FILES } from './draft.js';
import { dialogAction, showStep, stepAfter } from './steps.js';

/**
 * What the user types or sends while /new waits for it: the description (text, or a caption
 * with a file) and the files. Anything else gets the current question again.
 */
export function newTicketInput(services: BotServices): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const inDialog = composer
    .chatType('private')
    .on('message')
    .filter((ctx) => ctx.session.dialog?.kind === 'new' && !ctx.message.text?.startsWith('/'));

  inDialog.use(async (ctx) => {
    const dialog = ctx.session.dialog as NewTicketDialog;
    // Zero-width and control characters alone are no description: treated as nothing typed.
    const typed = (ctx.message.text ?? ctx.message.caption ?? '').trim();
    const text = hasVisibleText(typed) ? typed : '';
    const ref = services.downloader.refOf(ctx.message);

    if (ref && ['description', 'files', 'summary'].includes(dialog.step)) {
      if (dialog.files.length >= MAX_DRAFT_FILES) {
        await ctx.reply(ctx.t('tg.new.too_many_files', { count: MAX_DRAFT_FILES }));
        return;
      }
      const file = await addDraftFile(services, dialog, ref);
      if (dialog.step === 'description' && text) {
        await describe(ctx, dialog, text);
        return;
      }
      if (dialog.step === 'summary') {
        await showStep(ctx, services, dialog);
        return;
      }
      const done = { text: ctx.t('button.files_done'), data: services.codec.encode(ctx.chat.id, dialogAction.filesDone) };
      const key = dialog.step === 'description' ? 'tg.new.file_added_describe' : 'tg.new.file_added';
      await ctx.reply(ctx.t(key, { name: file.name, size: formatBytes(file.size, ctx.locale), count: dialog.files.length }), {
        ...(dialog.step === 'files' ? { reply_markup: keyboardOf([[done]]) } : {}),
      });
      return;
    }
    if (dialog.step === 'description' && text) {
      await describe(ctx, dialog, text);
      return;
    }
    if (dialog.step === 'files' && !ref) {
      await ctx.reply(ctx.t('tg.new.files_hint'));
      return;
    }
    if (dialog.step === 'description') {
      // Nothing but spaces, or a sticker or voice note: there are no buttons at this step.
      await ctx.reply(ctx.t('tg.new.empty_description'));
      return;
    }
    await ctx.reply(ctx.t('tg.new.use_buttons'));
    await showStep(ctx, services, dialog);
  });

  async function describe(ctx: BotContext, dialog: NewTicketDialog, text: string): Promise<void> {
    if (text.length > limits.text) {
      await ctx.reply(ctx.t('tg.error.too_long', { limit: limits.text }));
      return;
    }
    dialog.description = text;
    dialog.step = await stepAfter(services, dialog, 'description');
    ctx.session.dialog = dialog;
    await showStep(ctx, services, dialog);
  }

  return composer;
}
