import type { Types } from 'mongoose';
import type { Models } from '../db/models/index.js';
import {
  notificationChannels,
  notificationPreferences,
  setNotificationPreferences,
  type NotificationChannel,
  type NotificationPreferences,
} from './notification-preferences.js';

/** A notification command as typed in a chat, after `/notify` (Telegram) or `/helpdesk notify` (Slack). */
export type NotifyCommand =
  | { kind: 'show' }
  | { kind: 'change'; change: { channels?: NotificationChannel[]; muted?: boolean } }
  /** Could not be read: a word that is neither a setting nor a channel, or a setting with company. */
  | { kind: 'mistake'; reason: 'unknown' | 'alone'; word: string };

/** Words that stand alone: each is a whole change. */
const settings = new Map<string, { channels?: NotificationChannel[]; muted?: boolean }>([
  ['mute', { muted: true }],
  ['unmute', { muted: false }],
  ['default', { channels: [] }],
]);

/** What people type for e-mail on a phone. */
const aliases = new Map([
  ['e-mail', 'email'],
  ['mail', 'email'],
]);

const isChannel = (word: string): word is NotificationChannel => (notificationChannels as readonly string[]).includes(word);

/**
 * Reads `[mute | unmute | default | <channel>…]`: nothing (or `help`) shows the setting; the
 * channels (telegram, slack, email, separated by spaces or commas) replace the chosen ones.
 * Words are taken in lower case; `mute`, `unmute` and `default` take no other word.
 */
export function parseNotifyCommand(text: string): NotifyCommand {
  const words = text.toLowerCase().split(/[\s,]+/).filter(Boolean);
  const [first = ''] = words;
  if (words.length === 0 || (first === 'help' && words.length === 1)) return { kind: 'show' };
  const setting = settings.get(first);
  if (setting && words.length === 1) return { kind: 'change', change: { ...setting } };
  const channels: NotificationChannel[] = [];
  for (const typed of words) {
    if (settings.has(typed)) return { kind: 'mistake', reason: 'alone', word: typed };
    const word = aliases.get(typed) ?? typed;
    if (!isChannel(word)) return { kind: 'mistake', reason: 'unknown', word: typed.slice(0, 40) };
    if (!channels.includes(word)) channels.push(word);
  }
  return { kind: 'change', change: { channels } };
}

/** How a bot talks: its translation for the person, its command and the chat platform it is. */
export interface NotifyVoice {
  t: (key: string, params?: Record<string, string | number>) => string;
  /** `/notify` in Telegram, `/helpdesk notify` in Slack; shown in the forms. */
  command: string;
  chat: 'telegram' | 'slack';
}

/** The setting in words: where notices go, and whether they are muted. */
export function describeNotifications(preferences: NotificationPreferences, voice: NotifyVoice): string {
  const { t } = voice;
  const names = preferences.channels.map((channel) => t(`notify.channel.${channel}`)).join(', ');
  const how = names ? t('notify.how.chosen', { channels: names }) : t('notify.how.default');
  return t(preferences.muted ? 'notify.state.muted' : 'notify.state.on', { how });
}

/**
 * The chat command for a person's own notification preferences, shared by both bots: shows
 * them, or changes them and shows the result. A mistake names the word and shows the forms.
 * The answer is plain text: a bot with a markup escapes it as a whole.
 */
export async function runNotifyCommand(models: Models, personId: Types.ObjectId, text: string, voice: NotifyVoice): Promise<string> {
  const { t, command, chat } = voice;
  const forms = t('notify.help', { command, chat });
  const parsed = parseNotifyCommand(text);
  switch (parsed.kind) {
    case 'show':
      return `${describeNotifications(await notificationPreferences(models, personId), voice)}\n\n${forms}`;
    case 'mistake':
      return `${t(`notify.error.${parsed.reason}`, { word: parsed.word })}\n\n${forms}`;
    case 'change':
      return `${t('notify.saved')} ${describeNotifications(await setNotificationPreferences(models, personId, parsed.change), voice)}`;
  }
}
