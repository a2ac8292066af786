import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { actionSource } from '../runtime/action-source.js';
import { ForgedActionError, refuse, requireActor } from '../runtime/answer.js';
import type { SlackServices } from '../services.js';
import { context, type Block } from '../ui/blocks.js';
import { RATE_ACTION } from '../ui/notice.js';
import { translator } from '../ui/translator.js';

/**
 * The 1-5 buttons under a resolved ticket's notice. The ticket service checks that the one
 * pressing is the requester; the notice then shows the score instead of the buttons.
 */
export function ratingFeature(app: App, services: SlackServices): void {
  const { api, logger } = services;

  app.action<BlockAction<ButtonAction>>(new RegExp(`^${RATE_ACTION}\\.[1-5]$`), async ({ body, action, ack }) => {
    await ack();
    const userId = body.user.id;
    const found = await services.people.find(userId);
    const tr = translator(services.i18n, found.locale);
    const { channel } = actionSource(body);
    try {
      const match = /^(\d{1,9}):([1-5])$/.exec(action.value ?? '');
      if (!match || !channel?.startsWith('D') || match[2] !== action.action_id.slice(-1)) throw new ForgedActionError({ action: action.action_id, value: action.value, channel });
      const number = Number(match[1]);
      const score = Number(match[2]);
      await services.tickets.rate(requireActor(found, userId), number, { score }, 'slack');
      const message = body.message;
      if (message?.ts) {
        const blocks = ((message.blocks ?? []) as Block[]).filter((block) => !String(block.block_id ?? '').startsWith('rate:'));
        blocks.push(context(tr.t('slack.rating.saved', { number, stars: '⭐'.repeat(score) })));
        await api.call('chat.update', { channel, ts: message.ts, text: String(message.text ?? ''), blocks });
      }
    } catch (error) {
      await refuse(api, logger, tr, { userId, channel }, error, { action: action.action_id, value: action.value });
    }
  });
}
