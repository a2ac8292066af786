import { html, multiline, type SafeHtml } from './html.js';
import type { RatingLink } from './ticket-email-input.js';

/** A mail's parts, translated, as plain text; the layouts below only arrange (and escape) them. */
export interface MailParts {
  locale: string;
  subject: string;
  lead: string;
  quote: string | null;
  facts: { label: string; value: string }[];
  rating: { ask: string; scale: string; links: RatingLink[] } | { inChat: string } | null;
  notes: string[];
  footer: string;
}

const font = 'font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1f2328';
const muted = 'color:#57606a';

/** The text part: what a plain-text client or a screen reader gets. */
export function layoutText(parts: MailParts): string {
  const blocks: string[] = [parts.lead];
  if (parts.quote) blocks.push(parts.quote.split(/\r?\n/).map((line) => `> ${line}`).join('\n'));
  if (parts.facts.length) blocks.push(parts.facts.map((fact) => `${fact.label}: ${fact.value}`).join('\n'));
  if (parts.rating && 'links' in parts.rating) {
    blocks.push([parts.rating.ask, ...parts.rating.links.map((link) => `${link.score}: ${link.url}`), parts.rating.scale].join('\n'));
  } else if (parts.rating) {
    blocks.push(parts.rating.inChat);
  }
  blocks.push(...parts.notes);
  // "-- " (with the space) is the signature separator clients recognize and fold away.
  blocks.push(`-- \n${parts.footer}`);
  return `${blocks.join('\n\n')}\n`;
}

function ratingHtml(rating: NonNullable<MailParts['rating']>): SafeHtml {
  if (!('links' in rating)) return html`<p style="margin:0 0 16px">${rating.inChat}</p>`;
  const button = 'display:inline-block;min-width:36px;margin:0 6px 6px 0;padding:8px 0;text-align:center;border-radius:6px;background:#0969da;color:#ffffff;text-decoration:none;font-weight:bold';
  const links = rating.links.map((link) => html`<a href="${link.url}" style="${button}">${link.score}</a>`);
  return html`<p style="margin:0 0 8px">${rating.ask}</p><p style="margin:0 0 4px">${links}</p><p style="margin:0 0 16px;font-size:13px;${muted}">${rating.scale}</p>`;
}

/** The HTML part: simple inline-styled markup that mail clients render alike; every text is escaped. */
export function layoutHtml(parts: MailParts): string {
  const facts = parts.facts.length
    ? html`<table role="presentation" style="border-collapse:collapse;margin:0 0 16px">${parts.facts.map(
        (fact) => html`<tr><td style="padding:2px 16px 2px 0;vertical-align:top;${muted}">${fact.label}</td><td style="padding:2px 0">${fact.value}</td></tr>`,
      )}</table>`
    : '';
  const quote = parts.quote
    ? html`<blockquote style="margin:0 0 16px;padding:8px 12px;border-left:3px solid #d0d7de;background:#f6f8fa">${multiline(parts.quote)}</blockquote>`
    : '';
  const page = html`<!doctype html>
<html lang="${parts.locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${parts.subject}</title></head>
<body style="margin:0;padding:16px;background:#f4f5f7">
<div style="max-width:600px;margin:0 auto;padding:24px;background:#ffffff;border-radius:8px;${font}">
<p style="margin:0 0 16px;font-weight:bold">${parts.lead}</p>
${quote}${facts}${parts.rating ? ratingHtml(parts.rating) : ''}${parts.notes.map((note) => html`<p style="margin:0 0 16px">${note}</p>`)}
<hr style="border:none;border-top:1px solid #d0d7de;margin:24px 0 12px">
<p style="margin:0;font-size:12px;${muted}">${parts.footer}</p>
</div>
</body>
</html>
`;
  return page.value;
}
