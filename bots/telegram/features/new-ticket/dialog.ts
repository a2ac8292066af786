import { Composer } from 'grammy';
import type { BotContext, NewTicketDialog } from '../../context.js';
import { onButton, textField } from '../../runtime/buttons.js';
import { userMessage } from '../../runtime/error-boundary.js';
import { requireActor } from '../../runtime/guards.js';
import type { BotServices } from '../../services.js';
import { addDraftFile, dialogAt, discardDraft, toStoredFile } from './draft.js';
import { dialogAction, NO_CATEGORY, showStep, stepAfter } from './steps.js';

/**
 * /new, /cancel and the dialog's buttons: department, category, files done, confirm, edit,
 * cancel; and the one-tap offer to open a ticket from a plain message. Every step is saved
 * in the session, so the dialog survives a restart; a button of a step that is over is stale.
 */
export function newTicketFeature(services: BotServices): Composer<BotContext> {
  const { models, tickets, links } = services;
  const composer = new Composer<BotContext>();

  const go = async (ctx: BotContext, dialog: NewTicketDialog) => {
    ctx.session.dialog = dialog;
    await showStep(ctx, services, dialog);
  };
  const closeKeyboard = (ctx: BotContext) => services.optional('removing a dialog keyboard', ctx.editMessageReplyMarkup());

  const start = async (ctx: BotContext, description?: string) => {
    requireActor(ctx);
    const previous = ctx.session.dialog;
    if (previous?.kind === 'new') await discardDraft(services, previous);
    const dialog: NewTicketDialog = { kind: 'new', step: 'department', files: [], ...(description ? { description } : {}) };
    const departments = await models.Department.find({ active: true }).select({ key: 1 }).lean();
    // With a single department there is nothing to choose.
    if (departments.length === 1) {
      dialog.department = departments[0]!.key;
      dialog.step = await stepAfter(services, dialog, 'department');
    }
    await go(ctx, dialog);
  };

  composer.command('new', async (ctx) => {
    if (ctx.chat.type !== 'private') {
      await ctx.reply(ctx.t('tg.new.private_only'));
      return;
    }
    await start(ctx);
  });

  composer.command('cancel', async (ctx) => {
    if (ctx.chat.type !== 'private') return;
    const dialog = ctx.session.dialog;
    if (!dialog) {
      await ctx.reply(ctx.t('tg.cancel.nothing'), { reply_markup: { remove_keyboard: true } });
      return;
    }
    if (dialog.kind === 'new') await discardDraft(services, dialog);
    ctx.session.dialog = undefined;
    await ctx.reply(ctx.t('tg.cancel.done'), { reply_markup: { remove_keyboard: true } });
  });

  composer.filter(onButton(dialogAction.department), async (ctx) => {
    const dialog = dialogAt(ctx, 'department');
    const key = textField(ctx, 0);
    if (!(await models.Department.exists({ key, active: true }))) {
      await ctx.answerCallbackQuery({ text: ctx.t('error.DEPARTMENT_NOT_FOUND'), show_alert: true });
      return;
    }
    await closeKeyboard(ctx);
    if (dialog.department !== key) dialog.category = null;
    dialog.department = key;
    dialog.step = await stepAfter(services, dialog, 'department');
    await go(ctx, dialog);
  });

  composer.filter(onButton(dialogAction.category), async (ctx) => {
    const dialog = dialogAt(ctx, 'category');
    const key = textField(ctx, 0);
    const department = await models.Department.findOne({ key: dialog.department, active: true }).lean();
    if (key !== NO_CATEGORY && !department?.categories.some((c) => c.key === key)) {
      await ctx.answerCallbackQuery();
      return;
    }
    await closeKeyboard(ctx);
    dialog.category = key === NO_CATEGORY ? null : key;
    dialog.step = await stepAfter(services, dialog, 'category');
    await go(ctx, dialog);
  });

  composer.filter(onButton(dialogAction.filesDone), async (ctx) => {
    const dialog = dialogAt(ctx, 'files');
    await closeKeyboard(ctx);
    await go(ctx, { ...dialog, step: 'summary' });
  });

  composer.filter(onButton(dialogAction.edit), async (ctx) => {
    const dialog = dialogAt(ctx, 'summary');
    await closeKeyboard(ctx);
    await go(ctx, { ...dialog, step: 'edit' });
  });

  composer.filter(onButton(dialogAction.editField), async (ctx) => {
    const dialog = dialogAt(ctx, 'edit');
    const steps = { d: 'department', t: 'description', f: 'files', s: 'summary' } as const;
    const step = steps[textField(ctx, 0) as keyof typeof steps];
    if (!step) {
      await ctx.answerCallbackQuery();
      return;
    }
    await closeKeyboard(ctx);
    await go(ctx, { ...dialog, step, backToSummary: true });
  });

  composer.filter(onButton(dialogAction.cancel), async (ctx) => {
    const dialog = dialogAt(ctx);
    await closeKeyboard(ctx);
    await discardDraft(services, dialog);
    ctx.session.dialog = undefined;
    await ctx.answerCallbackQuery({ text: ctx.t('tg.cancel.done') });
    await ctx.reply(ctx.t('tg.cancel.done'));
  });

  composer.filter(onButton(dialogAction.confirm), async (ctx) => {
    const dialog = dialogAt(ctx, 'summary');
    const actor = requireActor(ctx);
    const ticket = await tickets.open(
      actor,
      {
        description: dialog.description ?? '',
        department: dialog.department ?? '',
        category: dialog.category ?? null,
        source: 'telegram',
        attachments: dialog.files.map(toStoredFile),
      },
      'telegram',
    );
    ctx.session.dialog = undefined;
    await closeKeyboard(ctx);
    await ctx.answerCallbackQuery({ text: ctx.t('tg.new.created_short', { number: ticket.number }) });
    const sent = await ctx.reply(ctx.t('tg.new.created', { number: ticket.number, title: ticket.title }));
    await links.remember(sent.chat.id, sent.message_id, { kind: 'ticket', ticket: ticket.number });
  });

  composer.filter(onButton(dialogAction.offerYes), async (ctx) => {
    const offer = ctx.chat?.type === 'private' ? ctx.session.offer : undefined;
    if (!offer) {
      await ctx.answerCallbackQuery({ text: ctx.t('tg.error.stale_button'), show_alert: true });
      return;
    }
    requireActor(ctx);
    ctx.session.offer = undefined;
    await closeKeyboard(ctx);
    await start(ctx, offer.text || undefined);
    const dialog = ctx.session.dialog as NewTicketDialog;
    for (const ref of offer.files) {
      try {
        await addDraftFile(services, dialog, ref);
      } catch (error) {
        // One refused file (too large) must not lose the ticket: say so and go on.
        await ctx.reply(userMessage(ctx, error));
      }
    }
  });

  composer.filter(onButton(dialogAction.offerNo), async (ctx) => {
    if (ctx.chat?.type === 'private') ctx.session.offer = undefined;
    await closeKeyboard(ctx);
    await ctx.answerCallbackQuery({ text: ctx.t('tg.offer.declined') });
  });

  return composer;
}
