import { Composer, type InlineKeyboard } from 'grammy';
import { Types } from 'mongoose';
import { trusted } from '../../../src/db/connection.js';
import { pickLocalized } from '../../../src/db/models/localized.js';
import type { Role } from '../../../src/db/models/person.js';
import { priorities, type Priority, type Ticket } from '../../../src/db/models/ticket.js';
import { HelpdeskError } from '../../../src/errors.js';
import type { Actor } from '../../../src/people/actor.js';
import { can, type TicketAction } from '../../../src/people/policy.js';
import type { StatusCommand } from '../../../src/tickets/change-status.js';
import type { BotContext } from '../context.js';
import { InvalidButtonError } from '../runtime/bot-errors.js';
import { numberField, onButton, textField } from '../runtime/buttons.js';
import { requireActor } from '../runtime/guards.js';
import { isForbidden } from '../runtime/telegram-errors.js';
import type { BotServices } from '../services.js';
import { assignKeyboard, cardAction, cardKeyboard, priorityKeyboard, transferKeyboard } from '../ui/card-keyboard.js';
import { html } from '../ui/html.js';
import { translator } from '../ui/translator.js';
import type { TicketViews } from './ticket-views.js';

const statusCommands: Partial<Record<string, StatusCommand>> = {
  [cardAction.wait]: 'wait',
  [cardAction.resume]: 'resume',
  [cardAction.resolve]: 'resolve',
  [cardAction.close]: 'close',
  [cardAction.reopen]: 'reopen',
};

const staffRoles: Role[] = ['agent', 'coordinator', 'manager', 'admin'];
const ASSIGNEE_CHOICES = 20;

/**
 * The card's buttons. Each press names a ticket; the person who pressed is resolved from
 * their Telegram id and every change goes through the ticket service, which applies the
 * access policy: a press by someone else than an agent of the department changes nothing.
 * The outbox then edits every card of the ticket; pickers only swap this card's buttons.
 */
export function cardActionsFeature(services: BotServices, views: TicketViews): Composer<BotContext> {
  const { tickets, codec, models } = services;
  const composer = new Composer<BotContext>();
  // Pickers live on the shared card, so they speak the card's language (the org's).
  const cardTr = translator(services.i18n, services.org.locale);

  const press = (ctx: BotContext) => ({ actor: requireActor(ctx), number: numberField(ctx, 0), chatId: ctx.chat!.id });
  const done = (ctx: BotContext, key: string, number: number) => ctx.answerCallbackQuery({ text: ctx.t(`done.${key}`, { number }) });

  /** A picker is only opened for someone who may use it, so nobody else sees it appear. */
  async function authorized(actor: Actor, number: number, action: TicketAction): Promise<Ticket> {
    const ticket = await tickets.get(actor, number);
    if (!can(actor, action, ticket)) throw new HelpdeskError('FORBIDDEN', `not allowed to ${action} #${number}`, { number, action });
    return ticket;
  }

  const setKeyboard = (ctx: BotContext, keyboard: InlineKeyboard) =>
    services.optional('switching card buttons', ctx.editMessageReplyMarkup({ reply_markup: keyboard }));

  /** Puts the card's own buttons back (after a picker, or a refused choice in one). */
  const showButtons = (ctx: BotContext, ticket: Ticket) => setKeyboard(ctx, cardKeyboard(cardTr, codec, ctx.chat!.id, ticket));
  const restore = async (ctx: BotContext, actor: Actor, number: number) => showButtons(ctx, await tickets.get(actor, number));

  async function pickerChoice(ctx: BotContext, actor: Actor, number: number, change: () => Promise<unknown>, key: string) {
    try {
      await change();
    } catch (error) {
      // The refusal's alert goes first; the buttons come back after it (edits may wait for the group's rate).
      void restore(ctx, actor, number).catch(() => undefined);
      throw error;
    }
    await done(ctx, key, number);
  }

  /**
   * Answers the press before a message or an edit in the group: those may wait for the
   * group's rate limit, and Telegram gives up on a press left unanswered for long.
   */
  const acknowledge = (ctx: BotContext, text?: string) => ctx.answerCallbackQuery(text ? { text } : {});

  composer.filter(onButton(cardAction.take), async (ctx) => {
    const { actor, number } = press(ctx);
    await tickets.take(actor, number, 'telegram');
    await done(ctx, 'take', number);
  });

  composer.filter(onButton(cardAction.release), async (ctx) => {
    const { actor, number } = press(ctx);
    await tickets.release(actor, number, 'telegram');
    await done(ctx, 'release', number);
  });

  composer.filter(onButton(...Object.keys(statusCommands)), async (ctx) => {
    const { actor, number } = press(ctx);
    const command = statusCommands[ctx.button!.action]!;
    await tickets.changeStatus(actor, number, command, 'telegram');
    await done(ctx, command, number);
  });

  /** A force-reply prompt for the agent's answer, remembered so the answer finds its ticket. */
  async function prompt(ctx: BotContext, target: number, kind: 'reply' | 'note', number: number, replyTo?: number) {
    const mention = html`<a href="tg://user?id=${ctx.from!.id}">${ctx.actor!.name}</a>`;
    const sent = await ctx.api.sendMessage(target, ctx.html(`tg.prompt.${kind}`, { number, name: mention }).value, {
      parse_mode: 'HTML',
      reply_markup: { force_reply: true, selective: true, input_field_placeholder: ctx.t(`tg.prompt.${kind}_placeholder`, { number }) },
      ...(replyTo ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } } : {}),
    });
    await services.links.remember(target, sent.message_id, { kind, ticket: number });
  }

  composer.filter(onButton(cardAction.reply, cardAction.note), async (ctx) => {
    const { actor, number, chatId } = press(ctx);
    const kind = ctx.button!.action === cardAction.reply ? 'reply' : 'note';
    await authorized(actor, number, kind);
    if (ctx.chat?.type !== 'private') {
      // Asked in the agent's private chat with the bot, the prompt and the answer cost the
      // group nothing of its 20 messages a minute (cards come first); a group prompt is the
      // fallback for agents the bot may not write to (they never pressed Start).
      const privately = await prompt(ctx, ctx.from!.id, kind, number).then(
        () => true,
        (error: unknown) => {
          if (!isForbidden(error)) throw error;
          return false;
        },
      );
      if (privately) return void (await acknowledge(ctx, ctx.t(`tg.prompt.${kind}_private_toast`, { number })));
    }
    await acknowledge(ctx, ctx.t(`tg.prompt.${kind}_toast`, { number }));
    await prompt(ctx, chatId, kind, number, ctx.callbackQuery?.message?.message_id);
  });

  composer.filter(onButton(cardAction.history), async (ctx) => {
    const { number } = press(ctx);
    await views.sendHistory(ctx, number, { publicOnly: false, ...(ctx.callbackQuery?.message ? { replyTo: ctx.callbackQuery.message.message_id } : {}) });
  });

  composer.filter(onButton(cardAction.back), async (ctx) => {
    const { actor, number } = press(ctx);
    const ticket = await tickets.get(actor, number);
    await acknowledge(ctx);
    await showButtons(ctx, ticket);
  });

  composer.filter(onButton(cardAction.priorityMenu), async (ctx) => {
    const { actor, number, chatId } = press(ctx);
    const ticket = await authorized(actor, number, 'set_priority');
    await acknowledge(ctx);
    await setKeyboard(ctx, priorityKeyboard(cardTr, codec, chatId, ticket));
  });

  composer.filter(onButton(cardAction.priority), async (ctx) => {
    const { actor, number } = press(ctx);
    const priority = textField(ctx, 1) as Priority;
    if (!priorities.includes(priority)) throw new InvalidButtonError(ctx.callbackQuery!.data!);
    await pickerChoice(ctx, actor, number, () => tickets.setPriority(actor, number, priority, 'telegram'), 'priority');
  });

  composer.filter(onButton(cardAction.transferMenu), async (ctx) => {
    const { actor, number, chatId } = press(ctx);
    const ticket = await authorized(actor, number, 'transfer');
    await acknowledge(ctx);
    const departments = await models.Department.find({ active: true }).sort({ key: 1 }).lean();
    const choices = departments.map((d) => ({ key: d.key, name: pickLocalized(d.name, cardTr.locale) || d.key }));
    await setKeyboard(ctx, transferKeyboard(cardTr, codec, chatId, ticket, choices));
  });

  composer.filter(onButton(cardAction.transfer), async (ctx) => {
    const { actor, number } = press(ctx);
    const department = textField(ctx, 1);
    await pickerChoice(ctx, actor, number, () => tickets.transfer(actor, number, { department }, 'telegram'), 'transfer');
  });

  composer.filter(onButton(cardAction.assignMenu), async (ctx) => {
    const { actor, number, chatId } = press(ctx);
    const ticket = await authorized(actor, number, 'assign');
    await acknowledge(ctx);
    const people = await models.Person.find({ active: true, departments: ticket.department, role: trusted({ $in: staffRoles }) })
      .sort({ name: 1 })
      .limit(ASSIGNEE_CHOICES)
      .lean();
    const choices = people.map((person) => ({ id: person._id.toString(), name: person.name }));
    await setKeyboard(ctx, assignKeyboard(cardTr, codec, chatId, ticket, choices));
  });

  composer.filter(onButton(cardAction.assign), async (ctx) => {
    const { actor, number } = press(ctx);
    const id = textField(ctx, 1);
    if (!/^[a-f0-9]{24}$/.test(id)) throw new InvalidButtonError(ctx.callbackQuery!.data!);
    await pickerChoice(ctx, actor, number, () => tickets.assign(actor, number, new Types.ObjectId(id), 'telegram'), 'assign');
  });

  return composer;
}
