import { kvScope } from '../db/kv-scope.js';
import type { Models } from '../db/models/index.js';
import { senderDomain } from '../notify/email/email-threading.js';
import { escapeHtml } from '../notify/email/html.js';
import type { Mailer } from '../notify/email/mailer.js';
import type { SenderAnswer } from './process-mail.js';

/**
 * Answers to refused mail, by SMTP: marked as an automatic reply (RFC 3834) so the other side's
 * robots do not answer back, threaded under the refused mail, and sent to one sender at most
 * once a day per reason, so a storm of refused mail gets one answer.
 */
export function senderAnswers(deps: { models: Models; mailer: Pick<Mailer, 'send'>; fromAddress: string; translate: (key: string, params?: Record<string, string | number>) => string; clock: () => Date }) {
  const sent = kvScope<{ at: string }>(deps.models, 'mail-in-answers');
  return async (answer: SenderAnswer): Promise<void> => {
    const now = deps.clock();
    if (!(await sent.insertNew(`${answer.to}:${answer.reason}:${now.toISOString().slice(0, 10)}`, { at: now.toISOString() }))) return;
    const text = deps.translate(answer.key, answer.params);
    await deps.mailer.send({
      to: answer.to,
      subject: (/^re:/i.test(answer.subject) ? answer.subject : `Re: ${answer.subject || deps.translate('mailin.no_subject')}`).slice(0, 200),
      text,
      html: `<p>${escapeHtml(text)}</p>`,
      messageId: `<refusal.${now.getTime()}.${Math.random().toString(36).slice(2, 10)}@${senderDomain(deps.fromAddress)}>`,
      inReplyTo: answer.inReplyTo,
      references: answer.inReplyTo ? [answer.inReplyTo] : [],
      headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
    });
  };
}
