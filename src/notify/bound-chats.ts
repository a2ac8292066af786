import { activeBindings, allDepartments, departmentByKey } from '../db/department-cache.js';
import type { Models } from '../db/models/index.js';
import type { ChatPlatform } from './channel.js';

export interface BoundChat {
  platform: ChatPlatform;
  chatId: string;
}

/**
 * The chats of a department: those of the org config plus those bound with `/bind`. Pass the
 * department when it is already loaded.
 */
export async function boundChats(
  models: Models,
  departmentKey: string,
  loaded?: { telegramChats?: string[]; slackChannels?: string[] } | null,
): Promise<BoundChat[]> {
  const [department, allBindings] = await Promise.all([loaded === undefined ? departmentByKey(models, departmentKey) : loaded, activeBindings(models)]);
  const bindings = allBindings.filter((binding) => binding.department === departmentKey);
  const chats = new Map<string, BoundChat>();
  const add = (platform: ChatPlatform, chatId: string) => chats.set(`${platform}:${chatId}`, { platform, chatId });
  for (const chatId of department?.telegramChats ?? []) add('telegram', chatId);
  for (const chatId of department?.slackChannels ?? []) add('slack', chatId);
  for (const binding of bindings) add(binding.platform, binding.chatId);
  return [...chats.values()];
}

/** The department a chat is bound to, by binding or by the org config. */
export async function departmentOfChat(models: Models, platform: ChatPlatform, chatId: string): Promise<string | null> {
  const binding = (await activeBindings(models)).find((candidate) => candidate.platform === platform && candidate.chatId === chatId);
  if (binding) return binding.department;
  const field = platform === 'telegram' ? 'telegramChats' : 'slackChannels';
  const department = (await allDepartments(models)).find((candidate) => candidate.active && candidate[field].includes(chatId));
  return department?.key ?? null;
}
