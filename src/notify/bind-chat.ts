import { forgetCardRecords } from './card-records.js';
import { invalidateDepartments } from '../db/department-cache.js';
import type { Models } from '../db/models/index.js';
import { HelpdeskError } from '../errors.js';
import type { Actor } from '../people/actor.js';
import { canManageConfiguration } from '../people/policy.js';
import type { ChatPlatform } from './channel.js';

/**
 * Binds a group chat or channel to a department (admins only): new tickets of the
 * department get a card there. Rebinding a chat moves it; nothing is deleted.
 */
export async function bindChat(
  models: Models,
  actor: Actor,
  input: { platform: ChatPlatform; chatId: string; department: string },
): Promise<void> {
  if (!canManageConfiguration(actor)) {
    throw new HelpdeskError('ADMIN_ONLY', 'only admins bind chats');
  }
  const department = await models.Department.findOne({ key: input.department, active: true }).lean();
  if (!department) {
    throw new HelpdeskError('DEPARTMENT_NOT_FOUND', `unknown department ${input.department}`, { department: input.department });
  }
  await models.ChatBinding.updateOne(
    { platform: input.platform, chatId: input.chatId },
    { $set: { department: department.key, boundBy: actor.id, active: true } },
    { upsert: true },
  );
  invalidateDepartments(models);
}

/** Moves every binding and card of a chat to its new id (a Telegram group upgraded to a supergroup). */
export async function moveChat(models: Models, platform: ChatPlatform, from: string, to: string): Promise<void> {
  await models.ChatBinding.updateMany({ platform, chatId: from }, { $set: { chatId: to } });
  await models.CardMessage.updateMany({ platform, chatId: from }, { $set: { chatId: to } });
  forgetCardRecords(models);
  const field = platform === 'telegram' ? 'telegramChats' : 'slackChannels';
  const departments = await models.Department.find({ [field]: from }).lean();
  for (const department of departments) {
    const chats = (platform === 'telegram' ? department.telegramChats : department.slackChannels).map((chat) =>
      chat === from ? to : chat,
    );
    await models.Department.updateOne({ _id: department._id }, { $set: { [field]: chats } });
  }
  invalidateDepartments(models);
}
