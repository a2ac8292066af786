import type { Types } from 'mongoose';
import type { Translate } from '../../i18n/translate.js';
import { layoutHtml, layoutText, type MailParts } from '../../notify/email/email-layout.js';
import { automaticMailHeaders, senderDomain } from '../../notify/email/email-threading.js';
import type { EmailMessage } from '../../notify/email/outgoing-email.js';
import type { ReportPeriod } from '../report-period.js';
import type { ReportFile } from '../report-service.js';

export interface ReportEmailInput {
  to: string;
  personId: Types.ObjectId;
  locale: string;
  every: 'week' | 'month';
  period: Pick<ReportPeriod, 'firstDay' | 'lastDay'>;
  file: Pick<ReportFile, 'path' | 'fileName' | 'contentType' | 'caption'>;
  translate: Translate;
  /** SMTP_FROM, whose domain names the message id. */
  fromAddress: string;
}

/**
 * The scheduled report as a mail: a translated subject with the period, a short text with the
 * report's caption, and the workbook attached (read from its temporary file while sending).
 * Its id comes from the period and the person, not from chance: a retried send carries the
 * same id, and the mail client keeps one copy.
 */
export function reportEmail(input: ReportEmailInput): EmailMessage {
  const { translate, locale, period, file } = input;
  const t = (key: string, params?: Record<string, string | number>) => translate(locale, key, params);
  const parts: MailParts = {
    locale,
    subject: t('reports_schedule.email.subject', { first: period.firstDay, last: period.lastDay }),
    lead: t(`reports_schedule.lead.${input.every}`),
    quote: null,
    facts: [],
    rating: null,
    notes: [file.caption],
    footer: t('reports_schedule.email.footer'),
  };
  return {
    to: input.to,
    subject: parts.subject,
    text: layoutText(parts),
    html: layoutHtml(parts),
    messageId: `<report-${period.firstDay}-${period.lastDay}.${input.personId.toHexString()}@${senderDomain(input.fromAddress)}>`,
    inReplyTo: null,
    references: [],
    headers: { ...automaticMailHeaders },
    attachments: [{ filename: file.fileName, contentType: file.contentType, content: { path: file.path } }],
  };
}
