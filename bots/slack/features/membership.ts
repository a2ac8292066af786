import type { App } from '@slack/bolt';
import type { SlackServices } from '../services.js';
import { departmentOfChat } from '../../../src/notify/bound-chats.js';
import { translator } from '../ui/translator.js';

/**
 * The app's own membership of channels. Removed from a department's channel: its cards can
 * no longer be posted there, which admins are told at once. Added to a channel: a hint on
 * how to bind it.
 */
export function membershipFeature(app: App, services: SlackServices, botUserId: () => string): void {
  const left = async (channel: string) => {
    const department = await departmentOfChat(services.models, 'slack', channel);
    if (department) await services.alerts({ code: 'removed_from_channel', channel, doing: `receiving the tickets of ${department}` });
    else services.logger.info({ channel }, 'slack: the app left a channel');
  };
  app.event('channel_left', ({ event }) => left(event.channel));
  app.event('group_left', ({ event }) => left(event.channel));

  app.event('member_joined_channel', async ({ event }) => {
    if (event.user !== botUserId()) return;
    if (await departmentOfChat(services.models, 'slack', event.channel)) return;
    const tr = translator(services.i18n, services.org.locale);
    await services.api.call('chat.postMessage', { channel: event.channel, text: tr.t('slack.bind.hint') }).catch(() => undefined);
  });
}
