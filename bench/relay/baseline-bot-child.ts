import { run } from '@grammyjs/runner';
import { Bot } from 'grammy';
import { MongoClient } from 'mongodb';
import { serveCounters } from './child-protocol.js';

/**
 * The floor of the relay benchmark: the same relay done the simplest way, a bare grammY bot
 * written for the benchmark. A requester's message is posted to the staff group (one lookup of
 * the requester's thread, one sendMessage, one insert that remembers the group message); a
 * staff member's reply to such a group message goes to its requester (one lookup, one insert,
 * one sendMessage). No order, no dedupe, no sessions, no access checks, no outbox: what a
 * restart or a platform outage loses is lost.
 */
const token = process.env.TELEGRAM_BOT_TOKEN!;
const group = Number(process.env.RELAY_GROUP_ID);
const client = await MongoClient.connect(process.env.MONGODB_URI!);
const db = client.db();
const threads = db.collection<{ userId: number; name: string }>('threads');
const relayed = db.collection<{ groupMessageId: number; userId: number; text: string; at: Date }>('relayed');
const replies = db.collection<{ userId: number; text: string; at: Date }>('replies');

const bot = new Bot(token, { client: { apiRoot: process.env.TELEGRAM_API_ROOT! } });

bot.on('message:text', async (ctx) => {
  if (ctx.chat.type === 'private') {
    const thread = await threads.findOne({ userId: ctx.from.id });
    const sent = await bot.api.sendMessage(group, `${thread?.name ?? ctx.from.first_name}: ${ctx.message.text}`);
    await relayed.insertOne({ groupMessageId: sent.message_id, userId: ctx.from.id, text: ctx.message.text, at: new Date() });
    return;
  }
  const repliedTo = ctx.message.reply_to_message?.message_id;
  if (ctx.chat.id !== group || !repliedTo) return;
  const origin = await relayed.findOne({ groupMessageId: repliedTo });
  if (!origin) return;
  await replies.insertOne({ userId: origin.userId, text: ctx.message.text, at: new Date() });
  await bot.api.sendMessage(origin.userId, ctx.message.text);
});

await bot.init();
const runner = run(bot);
serveCounters([client], async () => {
  await runner.stop();
  await client.close();
});
