import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';

/** A file of a mail, as read. */
export interface MailFile {
  name: string;
  contentType: string;
  content: Buffer;
}

/** What the helpdesk reads of one mail. */
export interface IncomingMail {
  messageId: string | null;
  inReplyTo: string[];
  references: string[];
  subject: string;
  from: { address: string; name: string | null } | null;
  /** Every address it was sent to: To, Cc, Delivered-To, X-Original-To (lowercased). */
  recipients: string[];
  /** The text part, or the HTML part made text (scripts and styles never read). */
  text: string;
  files: MailFile[];
  /** Header names lowercased, values as text: what the loop guards read. */
  headers: Map<string, string>;
  /** A delivery status report (multipart/report; report-type=delivery-status). */
  isDeliveryReport: boolean;
  /** For a delivery report: the recipients that failed. */
  failedRecipients: string[];
}

const MESSAGE_ID = /<[^<>\s]+>/g;

function ids(value: unknown): string[] {
  const text = Array.isArray(value) ? value.join(' ') : typeof value === 'string' ? value : '';
  return text.match(MESSAGE_ID) ?? [];
}

function firstAddress(value: AddressObject | AddressObject[] | undefined): { address: string; name: string | null } | null {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  for (const group of list) {
    for (const entry of group.value) {
      if (entry.address) return { address: entry.address.trim().toLowerCase(), name: entry.name?.trim() || null };
    }
  }
  return null;
}

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list.flatMap((group) => group.value.map((entry) => entry.address ?? ''));
}

function headerText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(headerText).join(', ');
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    const record = value as { value?: unknown; text?: unknown; params?: Record<string, string> };
    if (typeof record.text === 'string') return record.text;
    if (typeof record.value === 'string') return [record.value, ...Object.entries(record.params ?? {}).map(([key, param]) => `${key}=${param}`)].join('; ');
  }
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

/** HTML as plain text, for mails that have no text part: blocks become lines, entities decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head)[\s\S]*?<\/\1\s*>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h[1-6]|blockquote)\s*>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * The failed recipients a delivery status report names (`Final-Recipient: rfc822; a@b` with
 * `Action: failed`), wherever the parser put the status part: among the files, or (mailparser
 * does this with message/delivery-status) in the text.
 */
function failedRecipientsOf(parsed: ParsedMail): string[] {
  const found = new Set<string>();
  const parts = [parsed.text ?? '', ...parsed.attachments.filter((attachment) => /delivery-status/i.test(attachment.contentType)).map((attachment) => attachment.content.toString('utf8'))];
  for (const text of parts) {
    for (const block of text.split(/\r?\n\r?\n/)) {
      const recipient = /^(?:Final|Original)-Recipient:\s*[^;\n]*;\s*(\S+)/im.exec(block)?.[1];
      const action = /^Action:\s*(\S+)/im.exec(block)?.[1]?.toLowerCase();
      if (recipient && action === 'failed') found.add(recipient.replace(/^<|>$/g, '').toLowerCase());
    }
  }
  return [...found];
}

/**
 * Reads a raw mail with mailparser: any charset it knows (Windows-1251, KOI8-R, ISO-2022-JP),
 * 8-bit headers, broken MIME read as far as it goes. Delivery reports and their failed
 * recipients are recognised; the report's parts are not files.
 */
export async function readMail(source: Buffer): Promise<IncomingMail> {
  const parsed = await simpleParser(source, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true, maxHtmlLengthToParse: 2_000_000 });
  const headers = new Map<string, string>();
  for (const [name, value] of parsed.headers) headers.set(name.toLowerCase(), headerText(value));
  const contentType = headers.get('content-type') ?? '';
  const isDeliveryReport = /multipart\/report/i.test(contentType) && /report-type=delivery-status/i.test(contentType.replace(/"/g, ''));
  const text = (parsed.text?.trim() ? parsed.text : parsed.html ? htmlToText(parsed.html) : '').replace(/\r\n/g, '\n').trim();
  const files = isDeliveryReport
    ? []
    : parsed.attachments
        .filter((attachment) => attachment.contentDisposition !== 'inline' || Boolean(attachment.filename))
        .map((attachment, index) => ({
          name: attachment.filename?.trim() || `attachment-${index + 1}${attachment.contentType === 'message/rfc822' ? '.eml' : ''}`,
          contentType: attachment.contentType || 'application/octet-stream',
          content: attachment.content,
        }));
  return {
    messageId: parsed.messageId ? (ids(parsed.messageId)[0] ?? `<${parsed.messageId.replace(/[<>\s]/g, '')}>`) : null,
    inReplyTo: ids(parsed.inReplyTo),
    references: ids(parsed.references),
    subject: (parsed.subject ?? '').replace(/\s+/g, ' ').trim(),
    from: firstAddress(parsed.from),
    recipients: [
      ...new Set(
        [...addresses(parsed.to), ...addresses(parsed.cc), ...['delivered-to', 'x-original-to'].flatMap((name) => (headers.get(name) ?? '').split(/[\s,]+/))]
          .map((address) => address.replace(/^<|>$/g, '').trim().toLowerCase())
          .filter((address) => address.includes('@')),
      ),
    ],
    text,
    files,
    headers,
    isDeliveryReport,
    failedRecipients: isDeliveryReport ? failedRecipientsOf(parsed) : [],
  };
}
