import { InputFile, type Api } from 'grammy';
import type { ReportFile } from '../../../../src/reports/report-service.js';
import type { Optional } from '../../runtime/non-essential.js';
import { truncate } from '../../ui/html.js';
import { reportTooLargeText } from '../../ui/report-too-large.js';
import { progressMessage } from './progress-message.js';

/** Telegram's limit for a caption. */
const CAPTION_LIMIT = 1024;

export interface ReportDeliveryDeps {
  api: Api;
  optional: Optional;
  /** Least time between two progress edits. */
  progressEveryMs: number;
  uploadLimitBytes: number;
}

export interface ReportDelivery {
  chatId: number;
  /** The message that asked (the command, or the menu): the answers quote it. */
  replyTo?: number;
  t: (key: string, params?: Record<string, string | number>) => string;
  /** Called once the progress message is out: the person can be reached there. */
  onStarted?: () => Promise<void>;
  /** Builds the workbook, telling progress in percent. */
  build: (onProgress: (percent: number) => void) => Promise<ReportFile>;
  /** What to tell the person about a failure (and logs it when it is worth a line). */
  explain: (error: unknown) => string;
}

/**
 * Builds a report and sends it into a chat: a progress message that follows the build,
 * then the workbook as a document quoting the request, then the progress message goes. A
 * failure or a file over Telegram's upload limit becomes the progress message's last text.
 * The temporary file is removed whatever happens.
 */
export async function deliverReport(deps: ReportDeliveryDeps, delivery: ReportDelivery): Promise<void> {
  const { api, optional } = deps;
  const { chatId, t } = delivery;
  const quote = delivery.replyTo ? { reply_parameters: { message_id: delivery.replyTo, allow_sending_without_reply: true } } : {};
  const shown = t('report.progress', { percent: 0 });
  const sent = await api.sendMessage(chatId, shown, quote);
  await delivery.onStarted?.();
  const progress = progressMessage({
    api,
    chatId,
    messageId: sent.message_id,
    shown,
    render: (percent) => t('report.progress', { percent }),
    everyMs: deps.progressEveryMs,
    optional,
  });

  /** Turns the progress message into a last word; a new message if it is gone. */
  async function finalLine(text: string): Promise<void> {
    try {
      await api.editMessageText(chatId, sent.message_id, text);
    } catch {
      await api.sendMessage(chatId, text, quote);
    }
  }

  let file: ReportFile;
  try {
    file = await delivery.build((percent) => progress.report(percent));
  } catch (error) {
    await progress.finish();
    await finalLine(delivery.explain(error));
    return;
  }
  await progress.finish();
  try {
    if (file.size > deps.uploadLimitBytes) {
      await finalLine(reportTooLargeText(t, file.size, deps.uploadLimitBytes));
      return;
    }
    await api.sendDocument(chatId, new InputFile(file.path, file.fileName), { caption: truncate(file.caption, CAPTION_LIMIT), ...quote });
    await optional('removing the report progress', api.deleteMessage(chatId, sent.message_id));
  } catch (error) {
    await finalLine(delivery.explain(error));
  } finally {
    await file.dispose();
  }
}
