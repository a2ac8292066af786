import type { App, BlockAction, ButtonAction, MessageShortcut, ViewOutput } from '@slack/bolt';
import { kvScope } from '../../../src/db/kv-scope.js';
import { pickLocalized } from '../../../src/db/models/localized.js';
import { priorities, type Priority } from '../../../src/db/models/ticket.js';
import type { Actor } from '../../../src/people/actor.js';
import { hasRole } from '../../../src/people/policy.js';
import { explain, refuse, requireActor } from '../runtime/answer.js';
import type { SlackFile } from '../runtime/slack-files.js';
import type { SlackServices } from '../services.js';
import { HOME_NEW_TICKET } from '../ui/home.js';
import { escapeMrkdwn, truncate } from '../ui/mrkdwn.js';
import { MAX_FILES, modal, newTicketModal, type DepartmentChoice, type NewTicketMetadata, type SourceMessage } from '../ui/modals.js';
import { translator, type Translator } from '../ui/translator.js';
import { refreshHome } from './home.js';

export const NEW_TICKET_SHORTCUT = 'new_ticket';
export const MESSAGE_SHORTCUT = 'ticket_from_message';
export const DM_OFFER_ACTION = 'dm.new';

/** A message written to the app outside any thread, kept for the "open a ticket" button under it. */
export function offers(services: SlackServices) {
  return kvScope<{ text: string }>(services.models, 'slack-offer');
}

type StateValues = ViewOutput['state']['values'];

function selected(values: StateValues, block: string): string | null {
  return values[block]?.value?.selected_option?.value ?? null;
}

function text(values: StateValues, block: string): string {
  return (values[block]?.value?.value ?? '').trim();
}

function filesOf(values: StateValues): SlackFile[] {
  return ((values.files?.value as { files?: SlackFile[] } | undefined)?.files ?? []).slice();
}

function metadataOf(view: ViewOutput): NewTicketMetadata {
  try {
    return JSON.parse(view.private_metadata || '{}') as NewTicketMetadata;
  } catch {
    return {};
  }
}

async function departmentChoices(services: SlackServices, locale: string): Promise<DepartmentChoice[]> {
  const departments = await services.models.Department.find({ active: true }).sort({ key: 1 }).lean();
  return departments.map((department) => ({
    key: department.key,
    name: pickLocalized(department.name, locale) || department.key,
    categories: department.categories.map((category) => ({ key: category.key, name: pickLocalized(category.name, locale) || category.key })),
  }));
}

/** Opens the "new ticket" modal (the trigger id lives 3 seconds: nothing slow comes before). */
export async function openNewTicketModal(services: SlackServices, triggerId: string, userId: string, prefill: { description?: string; from?: SourceMessage } = {}): Promise<void> {
  const found = await services.people.find(userId);
  const actor = requireActor(found, userId);
  const tr = translator(services.i18n, found.locale);
  const view = newTicketModal(tr, await departmentChoices(services, tr.locale), {
    withPriority: hasRole(actor, 'agent'),
    ...(prefill.description ? { description: prefill.description } : {}),
    metadata: prefill.from ? { from: prefill.from } : {},
  });
  await services.api.call('views.open', { trigger_id: triggerId, view });
}

interface NewTicketForm {
  department: string;
  category: string | null;
  title: string;
  description: string;
  priority: Priority | undefined;
  files: SlackFile[];
}

/** The errors Slack shows under each field of the modal; none when the form may be submitted. */
async function checkForm(services: SlackServices, tr: Translator, values: StateValues): Promise<{ form: NewTicketForm; errors: Record<string, string> }> {
  const errors: Record<string, string> = {};
  const department = selected(values, 'department') ?? '';
  const [categoryDepartment, category] = (selected(values, 'category') ?? '').split('/');
  const description = text(values, 'description');
  const priority = selected(values, 'priority');
  const files = filesOf(values);
  const known = department ? await services.models.Department.findOne({ key: department, active: true }).lean() : null;
  if (!known) errors.department = tr.t('slack.modal.choose_department');
  if (category && categoryDepartment !== department) errors.category = tr.t('slack.modal.category_mismatch');
  if (!description) errors.description = tr.t('slack.modal.required');
  if (priority && !priorities.includes(priority as Priority)) errors.priority = tr.t('slack.modal.required');
  if (files.length > MAX_FILES) errors.files = tr.t('slack.modal.too_many_files', { count: MAX_FILES });
  try {
    services.slackFiles.checkSizes(files);
  } catch (error) {
    errors.files = explain(tr, error).text;
  }
  return {
    form: { department, category: category && categoryDepartment === department ? category : null, title: text(values, 'title'), description, priority: (priority as Priority | null) ?? undefined, files },
    errors,
  };
}

/** The ticket's thread in the requester's DM starts with its confirmation; updates follow there. */
async function confirmInDm(services: SlackServices, tr: Translator, userId: string, number: number, title: string): Promise<void> {
  const channel = await services.api.openDm(userId);
  const posted = await services.api.call('chat.postMessage', { channel, text: tr.t('slack.new.created', { number, title: escapeMrkdwn(truncate(title, 150)) }) });
  await services.threads.rememberDmThread(userId, number, { channel, ts: String(posted.ts) });
}

/** A ticket opened from a message points back at it (the message's thread then says which ticket). */
async function permalinkOf(services: SlackServices, from: SourceMessage): Promise<string | null> {
  try {
    const result = await services.api.call('chat.getPermalink', { channel: from.channel, message_ts: from.ts });
    return typeof result.permalink === 'string' ? result.permalink : null;
  } catch (error) {
    services.logger.info({ channel: from.channel, err: (error as Error).message }, 'slack: no permalink for the source message');
    return null;
  }
}

async function openFromForm(services: SlackServices, actor: Actor, tr: Translator, userId: string, form: NewTicketForm, from: SourceMessage | undefined): Promise<void> {
  const link = from ? await permalinkOf(services, from) : null;
  const attachments = await services.slackFiles.download(form.files);
  const description = link ? `${form.description}\n\n${tr.t('slack.new.from_message', { link })}` : form.description;
  const ticket = await services.tickets.open(
    actor,
    { department: form.department, category: form.category, title: form.title || null, description, ...(form.priority ? { priority: form.priority } : {}), source: 'slack', attachments },
    'slack',
  );
  await confirmInDm(services, tr, userId, ticket.number, ticket.title);
  if (from) {
    await services.api
      .call('chat.postMessage', { channel: from.channel, thread_ts: from.ts, text: tr.t('slack.new.linked', { number: ticket.number }) })
      .catch(() => undefined); // the app may not be in that channel; the ticket has the link anyway
  }
  refreshHome(services, userId);
}

/**
 * Opening tickets: `/helpdesk` (see commands), the global shortcut, the Home tab's button,
 * the button under a message sent to the app, and "Create ticket from this message". The
 * modal's fields are checked before it closes (errors shown under the field); files are
 * fetched after, so Slack's 3 seconds are never at risk.
 */
export function newTicketFeature(app: App, services: SlackServices): void {
  const { api, logger } = services;

  const opening = async (triggerId: string, userId: string, channel: string | undefined, prefill: { description?: string; from?: SourceMessage } = {}) => {
    try {
      await openNewTicketModal(services, triggerId, userId, prefill);
    } catch (error) {
      const found = await services.people.find(userId).catch(() => null);
      await refuse(api, logger, translator(services.i18n, found?.locale), { userId, channel }, error, { doing: 'open the new ticket modal' });
    }
  };

  app.shortcut(NEW_TICKET_SHORTCUT, async ({ shortcut, ack }) => {
    await ack();
    await opening(shortcut.trigger_id, shortcut.user.id, undefined);
  });

  app.shortcut(MESSAGE_SHORTCUT, async ({ shortcut, ack }) => {
    await ack();
    const { message, channel, user, trigger_id: triggerId } = shortcut as MessageShortcut;
    await opening(triggerId, user.id, channel.id, { description: message.text ?? '', from: { channel: channel.id, ts: message.ts } });
  });

  app.action<BlockAction<ButtonAction>>(HOME_NEW_TICKET, async ({ body, ack }) => {
    await ack();
    await opening(body.trigger_id, body.user.id, undefined);
  });

  app.action<BlockAction<ButtonAction>>(DM_OFFER_ACTION, async ({ body, action, ack }) => {
    await ack();
    const offer = await offers(services).get(action.value ?? '');
    await opening(body.trigger_id, body.user.id, undefined, offer ? { description: offer.text } : {});
  });

  app.view(modal.newTicket, async ({ ack, body, view }) => {
    const userId = body.user.id;
    const found = await services.people.find(userId);
    const tr = translator(services.i18n, found.locale);
    const { form, errors } = await checkForm(services, tr, view.state.values);
    if (Object.keys(errors).length) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack();
    try {
      const actor = requireActor(found, userId);
      await openFromForm(services, actor, tr, userId, form, metadataOf(view).from);
    } catch (error) {
      await refuse(api, logger, tr, { userId }, error, { doing: 'open a ticket' });
    }
  });

}
