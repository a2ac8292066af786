import { pickLocalized } from '../../../../src/db/models/localized.js';
import type { BotContext, NewTicketDialog, NewTicketStep } from '../../context.js';
import type { BotServices } from '../../services.js';
import { bodyAfterTitle, formatBytes } from '../../ui/format.js';
import { html, joinHtml, truncate, type Html } from '../../ui/html.js';
import { inRows, keyboardOf, type Button } from '../../ui/keyboard.js';
import { htmlMode } from '../../runtime/send.js';

/** Buttons of the /new dialog and of the "open a ticket from this message?" offer. */
export const dialogAction = {
  department: 'nd',
  category: 'nc',
  filesDone: 'nf',
  confirm: 'ny',
  edit: 'ne',
  editField: 'ee',
  cancel: 'nx',
  offerYes: 'oy',
  offerNo: 'on',
} as const;

/** The category button that means "none of these". */
export const NO_CATEGORY = '-';
const SUMMARY_DESCRIPTION_MAX = 1500;

async function departmentOf(services: BotServices, key: string | undefined) {
  return key ? services.models.Department.findOne({ key, active: true }).lean() : null;
}

/** The step after `step`, given what the draft already holds. */
export async function stepAfter(services: BotServices, dialog: NewTicketDialog, step: NewTicketStep): Promise<NewTicketStep> {
  if (step === 'department') {
    const department = await departmentOf(services, dialog.department);
    if (department?.categories.length) return 'category';
    return stepAfter(services, dialog, 'category');
  }
  if (step === 'category') return dialog.description ? 'summary' : 'description';
  if (step === 'description') return dialog.backToSummary ? 'summary' : 'files';
  return 'summary';
}

function cancelButton(ctx: BotContext, services: BotServices): Button {
  return { text: ctx.t('button.cancel'), data: services.codec.encode(ctx.chat!.id, dialogAction.cancel) };
}

async function summary(ctx: BotContext, services: BotServices, dialog: NewTicketDialog): Promise<Html> {
  const department = await departmentOf(services, dialog.department);
  const departmentName = pickLocalized(department?.name, ctx.locale) || dialog.department || '';
  const category = department?.categories.find((c) => c.key === dialog.category);
  const description = dialog.description ?? '';
  const title = description.split('\n').find((line) => line.trim())?.trim() ?? '';
  const body = bodyAfterTitle(description, title);
  return joinHtml([
    html`<b>${ctx.t('tg.new.summary')}</b>`,
    html`🏷 ${departmentName}${category ? ` › ${pickLocalized(category.name, ctx.locale)}` : ''}`,
    html`<b>${truncate(title, 200)}</b>`,
    body ? html`${truncate(body, SUMMARY_DESCRIPTION_MAX)}` : null,
    dialog.files.length
      ? html`📎 ${dialog.files.map((file) => `${file.name} (${formatBytes(file.size, ctx.locale)})`).join(', ')}`
      : html`📎 ${ctx.t('tg.new.no_files')}`,
  ]);
}

/** Shows the current step of the dialog: its question and its buttons. */
export async function showStep(ctx: BotContext, services: BotServices, dialog: NewTicketDialog): Promise<void> {
  const { codec, models } = services;
  const chatId = ctx.chat!.id;
  const cancel = cancelButton(ctx, services);
  switch (dialog.step) {
    case 'department': {
      const departments = await models.Department.find({ active: true }).sort({ key: 1 }).lean();
      const buttons = departments.map((d) => ({
        text: pickLocalized(d.name, ctx.locale) || d.key,
        data: codec.encode(chatId, dialogAction.department, d.key),
      }));
      await ctx.reply(ctx.t('tg.new.department'), { reply_markup: keyboardOf([...inRows(buttons, 2), [cancel]]) });
      return;
    }
    case 'category': {
      const department = await departmentOf(services, dialog.department);
      const buttons = (department?.categories ?? []).map((c) => ({
        text: pickLocalized(c.name, ctx.locale) || c.key,
        data: codec.encode(chatId, dialogAction.category, c.key),
      }));
      const other = { text: ctx.t('tg.new.other_category'), data: codec.encode(chatId, dialogAction.category, NO_CATEGORY) };
      await ctx.reply(ctx.t('tg.new.category'), { reply_markup: keyboardOf([...inRows(buttons, 2), [other], [cancel]]) });
      return;
    }
    case 'description':
      await ctx.reply(ctx.t('tg.new.description'), { reply_markup: keyboardOf([[cancel]]) });
      return;
    case 'files': {
      const done = { text: ctx.t('button.files_done'), data: codec.encode(chatId, dialogAction.filesDone) };
      await ctx.reply(ctx.t('tg.new.files', { limit: formatBytes(services.files.maxBytes, ctx.locale) }), { reply_markup: keyboardOf([[done], [cancel]]) });
      return;
    }
    case 'summary': {
      const buttons = [
        { text: ctx.t('button.confirm'), data: codec.encode(chatId, dialogAction.confirm) },
        { text: ctx.t('button.edit'), data: codec.encode(chatId, dialogAction.edit) },
      ];
      await ctx.reply((await summary(ctx, services, dialog)).value, { ...htmlMode, reply_markup: keyboardOf([buttons, [cancel]]) });
      return;
    }
    case 'edit': {
      const field = (key: string, code: string) => ({ text: ctx.t(`tg.new.edit_${key}`), data: codec.encode(chatId, dialogAction.editField, code) });
      await ctx.reply(ctx.t('tg.new.edit'), {
        reply_markup: keyboardOf([[field('department', 'd'), field('description', 't')], [field('files', 'f'), field('back', 's')]]),
      });
      return;
    }
  }
}
