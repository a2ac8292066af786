import { ChannelError, type ChatChannel, type DirectNotice, type CardSource } from '../../src/notify/channel.js';

/**
 * A chat platform reached over HTTP (a test's recording server), so a delivery worker in
 * another process can be killed in the middle of a send.
 */
export class HttpChannel implements ChatChannel {
  readonly platform = 'telegram' as const;

  constructor(private readonly baseUrl: string) {}

  private async call(method: string, body: object): Promise<Record<string, string>> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    } catch (error) {
      throw new ChannelError(`platform unreachable: ${String(error)}`, { retryable: true });
    }
    if (!response.ok) throw new ChannelError(`platform answered ${response.status}`, { retryable: true });
    return (await response.json()) as Record<string, string>;
  }

  async postCard(chatId: string, card: CardSource) {
    const { messageId } = await this.call('postCard', { chatId, number: (await card()).ticket.number });
    return { messageId: messageId! };
  }

  async updateCard(chatId: string, messageId: string, card: CardSource) {
    await this.call('updateCard', { chatId, messageId, number: (await card()).ticket.number });
  }

  async sendDirect(userId: string, notice: DirectNotice) {
    await this.call('sendDirect', { userId, number: notice.ticket.number, type: notice.event.type });
  }
}
