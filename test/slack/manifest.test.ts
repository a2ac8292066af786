import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { COMMAND } from '../../bots/slack/features/commands.js';
import { MESSAGE_SHORTCUT, NEW_TICKET_SHORTCUT } from '../../bots/slack/features/new-ticket.js';

interface Manifest {
  features: { app_home: { home_tab_enabled: boolean; messages_tab_enabled: boolean }; shortcuts: { callback_id: string; type: string }[]; slash_commands: { command: string; url: string }[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { request_url: string; bot_events: string[] }; interactivity: { is_enabled: boolean; request_url: string } };
}

const root = join(import.meta.dirname, '../../bots/slack');
const manifest = parse(readFileSync(join(root, 'manifest.yaml'), 'utf8')) as Manifest;

function sources(dir: string): string {
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .map((path) => (statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? readFileSync(path, 'utf8') : ''))
    .join('\n');
}
const code = sources(root);

/** The scope each Web API method the app calls needs (Slack's method reference). */
const scopeOf: Record<string, string[]> = {
  'auth.test': [],
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.getPermalink': [],
  'conversations.open': ['im:write'],
  'conversations.join': ['channels:join'],
  'users.info': ['users:read', 'users:read.email'],
  'users.lookupByEmail': ['users:read.email'],
  'views.open': [],
  'views.publish': [],
  'reactions.add': ['reactions:write'],
  'files.uploadV2': ['files:write'],
};

/** The event subscription (and scope) each event the app listens to needs. */
const subscriptionOf: Record<string, { events: string[]; scopes: string[] }> = {
  app_home_opened: { events: ['app_home_opened'], scopes: [] },
  message: { events: ['message.im', 'message.channels', 'message.groups'], scopes: ['im:history', 'channels:history', 'groups:history'] },
  channel_left: { events: ['channel_left'], scopes: ['channels:read'] },
  group_left: { events: ['group_left'], scopes: ['groups:read'] },
  member_joined_channel: { events: ['member_joined_channel'], scopes: ['channels:read', 'groups:read'] },
};

describe('the Slack app manifest', () => {
  it('declares every command and shortcut the app handles, with the helpdesk endpoint', () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual([COMMAND]);
    expect(manifest.features.shortcuts.map((s) => [s.type, s.callback_id]).sort()).toEqual([['global', NEW_TICKET_SHORTCUT], ['message', MESSAGE_SHORTCUT]].sort());
    expect(manifest.features.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: true });
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    for (const url of [manifest.features.slash_commands[0]!.url, manifest.settings.event_subscriptions.request_url, manifest.settings.interactivity.request_url]) {
      expect(new URL(url).pathname).toBe('/slack/events');
    }
  });

  it('subscribes to every event the app listens to', () => {
    const listened = [...code.matchAll(/app\.event\('([a-z_]+)'/g)].map((match) => match[1]!);
    expect(listened.length).toBeGreaterThan(0);
    for (const event of listened) {
      const needed = subscriptionOf[event];
      expect(needed, `no subscription known for ${event}`).toBeDefined();
      expect(manifest.settings.event_subscriptions.bot_events).toEqual(expect.arrayContaining(needed!.events));
      expect(manifest.oauth_config.scopes.bot).toEqual(expect.arrayContaining(needed!.scopes));
    }
  });

  it('asks for the scope of every Web API method the app calls, and no scope it does not use', () => {
    const called = new Set([...code.matchAll(/call\('([a-zA-Z.]+)'/g)].map((match) => match[1]!));
    if (code.includes('filesUploadV2')) called.add('files.uploadV2');
    const needed = new Set<string>(['commands', 'files:read']);
    for (const method of called) {
      expect(scopeOf[method], `no scope known for ${method}`).toBeDefined();
      for (const scope of scopeOf[method]!) needed.add(scope);
    }
    for (const event of Object.values(subscriptionOf)) for (const scope of event.scopes) needed.add(scope);
    expect(new Set(manifest.oauth_config.scopes.bot)).toEqual(needed);
  });
});
