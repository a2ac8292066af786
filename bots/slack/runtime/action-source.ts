import type { BlockAction } from '@slack/bolt';

/** The channel and message a button was pressed on (Bolt types the container loosely). */
export function actionSource(body: BlockAction): { channel: string | undefined; messageTs: string | undefined } {
  const container = body.container as { channel_id?: string; message_ts?: string } | undefined;
  return { channel: body.channel?.id ?? container?.channel_id, messageTs: body.message?.ts ?? container?.message_ts };
}
