import { App, LogLevel } from '@slack/bolt';
import { MongoClient } from 'mongodb';
import { serveCounters } from './child-protocol.js';

/**
 * The floor of the Slack relay benchmark: the same relay done the simplest way, a bare Bolt
 * app over HTTP written for the benchmark. A requester's DM message goes to the thread of their
 * root message in the staff channel (one lookup, one chat.postMessage, one insert); a staff
 * reply in such a thread goes to the requester's DM (one lookup, one insert, one
 * chat.postMessage). No tickets, no order, no dedupe, no access checks, no outbox.
 */
const client = await MongoClient.connect(process.env.MONGODB_URI!);
const db = client.db();
const threads = db.collection<{ userId: string; dm: string; rootTs: string; name: string }>('threads');
const relayed = db.collection('relayed');
const replies = db.collection('replies');
const staffChannel = process.env.RELAY_CHANNEL_ID!;

const app = new App({
  token: process.env.SLACK_BOT_TOKEN!,
  signingSecret: process.env.SLACK_SIGNING_SECRET!,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL! },
  logLevel: LogLevel.ERROR,
});

app.message(async ({ message, client: web }) => {
  if (message.subtype !== undefined || !('user' in message) || !message.user || 'bot_id' in message) return;
  const text = message.text ?? '';
  if (message.channel_type === 'im') {
    const thread = await threads.findOne({ userId: message.user });
    if (!thread) return;
    await web.chat.postMessage({ channel: staffChannel, thread_ts: thread.rootTs, text: `${thread.name}: ${text}` });
    await relayed.insertOne({ userId: message.user, text, at: new Date() });
    return;
  }
  if (message.channel !== staffChannel || !message.thread_ts) return;
  const thread = await threads.findOne({ rootTs: message.thread_ts });
  if (!thread) return;
  await replies.insertOne({ userId: thread.userId, text, at: new Date() });
  await web.chat.postMessage({ channel: thread.dm, text });
});

await app.start(Number(process.env.PORT));
serveCounters([client], async () => {
  await app.stop();
  await client.close();
});
