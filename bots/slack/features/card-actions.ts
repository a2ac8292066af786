import type { App, BlockAction, ButtonAction, ViewOutput } from '@slack/bolt';
import { Types } from 'mongoose';
import { trusted } from '../../../src/db/connection.js';
import { pickLocalized } from '../../../src/db/models/localized.js';
import type { Role } from '../../../src/db/models/person.js';
import { priorities, type Priority, type Ticket } from '../../../src/db/models/ticket.js';
import { HelpdeskError } from '../../../src/errors.js';
import type { Actor } from '../../../src/people/actor.js';
import { can, type TicketAction } from '../../../src/people/policy.js';
import type { StatusCommand } from '../../../src/tickets/change-status.js';
import { actionSource } from '../runtime/action-source.js';
import { explain, ForgedActionError, refuse, requireActor } from '../runtime/answer.js';
import type { SlackFile } from '../runtime/slack-files.js';
import type { SlackServices } from '../services.js';
import { cardAction } from '../ui/card-blocks.js';
import { renderHistory } from '../ui/history.js';
import { MAX_FILES, commentModal, modal, priorityModal, transferModal, type TicketModalMetadata } from '../ui/modals.js';
import { translator, type Translator } from '../ui/translator.js';
import { Remembered } from '../store/remembered.js';

const statusCommands: Partial<Record<string, StatusCommand>> = {
  [cardAction.wait]: 'wait',
  [cardAction.resume]: 'resume',
  [cardAction.resolve]: 'resolve',
  [cardAction.close]: 'close',
  [cardAction.reopen]: 'reopen',
};

const staffRoles: Role[] = ['agent', 'coordinator', 'manager', 'admin'];
const ASSIGNEE_CHOICES = 100;

/** What a card's modal carries back: the ticket, and the channel to answer in. */
interface CardModalMetadata extends TicketModalMetadata {
  channel?: string;
}

function metadataOf(view: ViewOutput): CardModalMetadata {
  try {
    const parsed = JSON.parse(view.private_metadata || '{}') as CardModalMetadata;
    if (!Number.isSafeInteger(parsed.number)) throw new Error('no ticket number');
    return parsed;
  } catch {
    throw new ForgedActionError({ view: view.callback_id, metadata: view.private_metadata });
  }
}

function withChannel(view: Record<string, unknown>, channel: string | undefined): Record<string, unknown> {
  const metadata = JSON.parse(String(view.private_metadata)) as CardModalMetadata;
  return { ...view, private_metadata: JSON.stringify({ ...metadata, ...(channel ? { channel } : {}) }) };
}

/**
 * The card's buttons and the modals behind them. Each press names a ticket and must come
 * from that ticket's card (anything else is forged or stale: refused and logged); the
 * person who pressed is found in the directory, and every change goes through the ticket
 * service, which applies the access policy. The outbox then edits every card of the ticket.
 */
export function cardActionsFeature(app: App, services: SlackServices): void {
  const { api, tickets, models, logger } = services;
  // The ticket of a card message never changes: each press need not read it again.
  const cardTickets = new Remembered<number>();

  /** The ticket a press is about, checked against the card it was pressed on. */
  async function pressedTicket(body: BlockAction, value: string | undefined): Promise<{ number: number; channel: string }> {
    const { channel, messageTs } = actionSource(body);
    const number = /^\d{1,9}$/.test(value ?? '') ? Number(value) : NaN;
    const cardTicket =
      channel && messageTs
        ? await cardTickets.get(`${channel}:${messageTs}`, async () => (await models.CardMessage.findOne({ platform: 'slack', chatId: channel, messageId: messageTs }).lean())?.ticketNumber)
        : undefined;
    if (cardTicket === undefined || cardTicket !== number) throw new ForgedActionError({ channel, messageTs, value });
    return { number, channel: channel! };
  }

  /**
   * A modal is only opened for someone who may use it. A comment's modal shows nothing of the
   * ticket's state beyond its title, so the ticket this process changed moments ago will do
   * (its submission is checked again on the stored ticket); the others show the current state.
   */
  async function authorized(actor: Actor, number: number, ...actions: TicketAction[]): Promise<Ticket> {
    const forComment = actions.every((action) => action === 'reply' || action === 'note');
    const ticket = forComment ? await tickets.getForForm(actor, number) : await tickets.get(actor, number);
    if (!actions.some((action) => can(actor, action, ticket))) {
      throw new HelpdeskError('FORBIDDEN', `not allowed to ${actions.join('/')} #${number}`, { number, action: actions[0]! });
    }
    return ticket;
  }

  async function transferChoices(tr: Translator, ticket: Ticket) {
    const [departments, staff] = await Promise.all([
      models.Department.find({ active: true }).sort({ key: 1 }).lean(),
      models.Person.find({ active: true, departments: ticket.department, role: trusted({ $in: staffRoles }) }).sort({ name: 1 }).limit(ASSIGNEE_CHOICES).lean(),
    ]);
    return {
      departments: departments.map((d) => ({ key: d.key, name: pickLocalized(d.name, tr.locale) || d.key })),
      staff: staff.map((person) => ({ id: person._id.toString(), name: person.name })),
    };
  }

  async function showHistory(tr: Translator, actor: Actor, number: number, channel: string, userId: string): Promise<void> {
    const [ticket, journal] = await Promise.all([tickets.get(actor, number), tickets.journal(actor, number)]);
    const names = await services.cards.departmentNames(tr.locale);
    const blocks = renderHistory(tr, ticket, journal, { timeZone: services.org.timezone, departmentName: (key) => names.get(key)?.name ?? key });
    await api.call('chat.postEphemeral', { channel, user: userId, text: `#${number}`, blocks });
  }

  async function handlePress(body: BlockAction, action: ButtonAction, tr: Translator, actor: Actor): Promise<void> {
    const { number, channel } = await pressedTicket(body, action.value);
    const id = action.action_id;
    const status = statusCommands[id];
    if (status) await tickets.changeStatus(actor, number, status, 'slack');
    else if (id === cardAction.take) await tickets.take(actor, number, 'slack');
    else if (id === cardAction.release) await tickets.release(actor, number, 'slack');
    else if (id === cardAction.reply || id === cardAction.note) {
      const kind = id === cardAction.reply ? 'reply' : 'note';
      const ticket = await authorized(actor, number, kind);
      await api.call('views.open', { trigger_id: body.trigger_id, view: withChannel(commentModal(tr, ticket, kind), channel) });
    } else if (id === cardAction.priority) {
      const ticket = await authorized(actor, number, 'set_priority');
      await api.call('views.open', { trigger_id: body.trigger_id, view: withChannel(priorityModal(tr, ticket), channel) });
    } else if (id === cardAction.transfer) {
      const ticket = await authorized(actor, number, 'transfer', 'assign');
      const choices = await transferChoices(tr, ticket);
      await api.call('views.open', { trigger_id: body.trigger_id, view: withChannel(transferModal(tr, ticket, choices.departments, choices.staff), channel) });
    } else if (id === cardAction.history) await showHistory(tr, actor, number, channel, body.user.id);
    else throw new ForgedActionError({ action: id, value: action.value });
  }

  app.action<BlockAction<ButtonAction>>(/^card\./, async ({ body, action, ack }) => {
    await ack();
    const userId = body.user.id;
    let tr = translator(services.i18n, services.org.locale);
    try {
      const found = await services.people.find(userId);
      tr = translator(services.i18n, found.locale);
      await handlePress(body, action, tr, requireActor(found, userId));
    } catch (error) {
      await refuse(api, logger, tr, { userId, channel: actionSource(body).channel }, error, { action: action.action_id, value: action.value });
    }
  });

  /** Submissions: fields checked before the modal closes; the change is made after the ack. */
  function onSubmit(callbackId: string, check: (view: ViewOutput, tr: Translator) => Record<string, string>, change: (actor: Actor, metadata: CardModalMetadata, view: ViewOutput) => Promise<unknown>) {
    app.view(callbackId, async ({ ack, body, view }) => {
      const userId = body.user.id;
      const found = await services.people.find(userId);
      const tr = translator(services.i18n, found.locale);
      const errors = check(view, tr);
      if (Object.keys(errors).length) {
        await ack({ response_action: 'errors', errors });
        return;
      }
      await ack();
      let channel: string | undefined;
      try {
        const metadata = metadataOf(view);
        channel = metadata.channel;
        await change(requireActor(found, userId), metadata, view);
      } catch (error) {
        await refuse(api, logger, tr, { userId, channel }, error, { view: callbackId });
      }
    });
  }

  const value = (view: ViewOutput, block: string) => (view.state.values[block]?.value?.value ?? '').trim();
  const choice = (view: ViewOutput, block: string) => view.state.values[block]?.value?.selected_option?.value ?? null;
  const files = (view: ViewOutput) => ((view.state.values.files?.value as { files?: SlackFile[] } | undefined)?.files ?? []);

  onSubmit(
    modal.comment,
    (view, tr) => {
      const errors: Record<string, string> = {};
      if (!value(view, 'text') && files(view).length === 0) errors.text = tr.t('slack.modal.required');
      if (files(view).length > MAX_FILES) errors.files = tr.t('slack.modal.too_many_files', { count: MAX_FILES });
      try {
        services.slackFiles.checkSizes(files(view));
      } catch (error) {
        errors.files = explain(tr, error).text;
      }
      return errors;
    },
    async (actor, metadata, view) => {
      const attachments = await services.slackFiles.download(files(view));
      const input = { text: value(view, 'text'), attachments };
      if (metadata.kind === 'note') await tickets.note(actor, metadata.number, input, 'slack');
      else await tickets.reply(actor, metadata.number, input, 'slack');
    },
  );

  onSubmit(
    modal.priority,
    (view, tr): Record<string, string> => (priorities.includes(choice(view, 'priority') as Priority) ? {} : { priority: tr.t('slack.modal.required') }),
    (actor, metadata, view) => tickets.setPriority(actor, metadata.number, choice(view, 'priority') as Priority, 'slack'),
  );

  onSubmit(
    modal.transfer,
    (view, tr) => {
      const assignee = choice(view, 'assignee');
      if (!choice(view, 'department') && !assignee) return { [view.state.values.department ? 'department' : 'assignee']: tr.t('slack.modal.choose_one') };
      return assignee && !Types.ObjectId.isValid(assignee) ? { assignee: tr.t('slack.modal.required') } : {};
    },
    async (actor, metadata, view) => {
      const department = choice(view, 'department');
      const assignee = choice(view, 'assignee');
      if (department) await tickets.transfer(actor, metadata.number, { department }, 'slack');
      if (assignee) await tickets.assign(actor, metadata.number, new Types.ObjectId(assignee), 'slack');
    },
  );
}
