import { Composer } from 'grammy';
import type { Message } from 'grammy/types';
import type { StoredFile } from '../../../src/db/files.js';
import { hasRole } from '../../../src/people/policy.js';
import type { BotContext } from '../context.js';
import { confirmTaken } from '../runtime/confirm.js';
import { requireActor } from '../runtime/guards.js';
import type { BotServices } from '../services.js';
import type { MessageLink } from '../store/message-links.js';

/**
 * Answers given by replying to a bot message. In a private chat, a reply to anything the
 * bot said about ticket #N (notice, history, confirmation) is a public comment on #N, with
 * its file; a reply to a Reply/Note prompt (groups too) is the agent's answer or note; a
 * reply to the rating prompt is the rating's comment.
 */
export function repliesFeature(services: BotServices): Composer<BotContext> {
  const { tickets, links, downloader } = services;
  const composer = new Composer<BotContext>();

  async function linkOf(ctx: BotContext, replied: Message): Promise<MessageLink | null> {
    const stored = await links.find(ctx.chat!.id, replied.message_id);
    if (stored) return stored;
    // A bot message we did not record (sent just before a crash) still names its ticket. Only
    // a requester's answer is guessed: staff may be answering an internal note, which a guess
    // would make public.
    if (ctx.chat?.type !== 'private' || !ctx.actor || hasRole(ctx.actor, 'agent')) return null;
    const number = /#(\d{1,12})\b/.exec(replied.text ?? replied.caption ?? '')?.[1];
    return number ? { kind: 'ticket', ticket: Number(number) } : null;
  }

  composer
    .on('message')
    .filter((ctx) => ctx.message.reply_to_message?.from?.id === ctx.me.id && !ctx.message.text?.startsWith('/'))
    .use(async (ctx, next) => {
      const link = await linkOf(ctx, ctx.message.reply_to_message!);
      if (!link) return next();
      const actor = requireActor(ctx);
      const text = (ctx.message.text ?? ctx.message.caption ?? '').trim();
      let confirmation: string;
      if (link.kind === 'rating') {
        await tickets.rate(actor, link.ticket, { score: link.score, comment: text }, 'telegram');
        confirmation = ctx.t('tg.rating.comment_saved', { number: link.ticket });
      } else {
        const ref = downloader.refOf(ctx.message);
        const attachments: StoredFile[] = ref ? [await downloader.store(ref)] : [];
        try {
          if (link.kind === 'note') {
            await tickets.note(actor, link.ticket, { text, attachments }, 'telegram');
            confirmation = ctx.t('tg.note.added', { number: link.ticket });
          } else {
            const { ticket } = await tickets.reply(actor, link.ticket, { text, attachments }, 'telegram');
            confirmation = ctx.t(ticket.requesterId.equals(actor.id) ? 'tg.reply.added' : 'tg.reply.sent', { number: link.ticket });
          }
        } catch (error) {
          // The comment was refused: its file must not stay behind, unreferenced.
          for (const file of attachments) await services.files.discard(file.fileId);
          throw error;
        }
      }
      await confirmTaken(ctx, services, confirmation, link.ticket);
      if ((link.kind === 'reply' || link.kind === 'note') && ctx.chat.type !== 'private') {
        // A prompt in a group did its job: it goes, so the group shows cards and answers only.
        await services.optional('removing an answered prompt', ctx.api.deleteMessage(ctx.chat.id, ctx.message.reply_to_message!.message_id));
      }
    });

  return composer;
}
