import type { Ticket } from '../../db/models/ticket.js';
import type { Translate } from '../../i18n/translate.js';
import { html, type SafeHtml } from './html.js';

interface PageBase {
  translate: Translate;
  locale: string;
}

/** Headers of every rating page: never cached or indexed, the token never leaks as a referrer, no scripts. */
export const ratingPageHeaders: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-robots-tag': 'noindex, nofollow',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
};

const style = `body{margin:0;padding:24px;background:#f4f5f7;font-family:Arial,Helvetica,sans-serif;color:#1f2328}
main{max-width:520px;margin:0 auto;padding:24px;background:#fff;border-radius:8px}
h1{font-size:20px;margin:0 0 16px}p{line-height:1.5}
.scores{display:flex;gap:8px;margin:16px 0}
.scores button{flex:1;padding:12px 0;font-size:18px;font-weight:bold;border:2px solid #0969da;border-radius:6px;background:#fff;color:#0969da;cursor:pointer}
.scores button.chosen,.scores button:hover{background:#0969da;color:#fff}
textarea{width:100%;box-sizing:border-box;min-height:80px;font:inherit}
.muted{color:#57606a;font-size:13px}`;

function page(base: PageBase, title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="${base.locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${title}</title><style>${style}</style></head>
<body><main><h1>${title}</h1>${body}</main></body>
</html>
`.value;
}

/**
 * The page a rating link opens: the ticket and five score buttons in a POST form. Opening the
 * link rates nothing, because mail scanners fetch every link of a mail.
 */
export function ratingFormPage(base: PageBase & { ticket: Pick<Ticket, 'number' | 'title'>; chosen: number | null; commentLimit: number }): string {
  const { translate: t, locale, ticket } = base;
  const buttons = [1, 2, 3, 4, 5].map(
    (score) => html`<button type="submit" name="score" value="${score}"${score === base.chosen ? html` class="chosen" autofocus` : ''}>${score}</button>`,
  );
  const chosen = base.chosen ? html`<p>${t(locale, 'email.rate.chosen', { score: base.chosen })}</p>` : '';
  const body = html`<p>${t(locale, 'email.rate.question', { number: ticket.number, title: ticket.title })}</p>${chosen}
<form method="post">
<label for="comment">${t(locale, 'email.rate.comment_label')}</label>
<textarea id="comment" name="comment" maxlength="${base.commentLimit}"></textarea>
<div class="scores">${buttons}</div>
<p class="muted">${t(locale, 'email.rating.scale')}</p>
</form>`;
  return page(base, t(locale, 'email.rate.title', { number: ticket.number }), body);
}

/** A page with one message: thanks, already rated, or why the link cannot be used. */
export function ratingMessagePage(base: PageBase & { title: string; message: string }): string {
  return page(base, base.title, html`<p>${base.message}</p>`);
}
