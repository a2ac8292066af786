import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isHelpdeskError } from '../../errors.js';
import { createLinkRating, RatingLinkError, type LinkedTicket } from '../../notify/email/rate-from-link.js';
import { createRatingLinks } from '../../notify/email/rating-links.js';
import { ratingFormPage, ratingMessagePage, ratingPageHeaders } from '../../notify/email/rating-pages.js';
import { limits } from '../../tickets/ticket-limits.js';
import { acceptedLanguages } from '../locale.js';
import type { RouteDeps } from '../route-deps.js';
import { clientOf, tellToWait } from '../failure-throttle.js';

interface RatingRequest {
  Params: { token: string };
  Querystring: { score?: string };
  Body: { score?: unknown; comment?: unknown } | undefined;
}

/** A form of one score and a comment: a few kilobytes at most. */
const FORM_LIMIT = 16 * 1024;

/** Status and text of each reason a link is refused. */
const refusals: Record<RatingLinkError['reason'], { status: number; key: string }> = {
  malformed: { status: 400, key: 'email.rate.bad_link' },
  unknown: { status: 404, key: 'email.rate.unknown_link' },
  bad_score: { status: 400, key: 'email.rate.bad_score' },
  already_rated: { status: 409, key: 'email.rate.already' },
};

/** A score from a form field or the query (`?score=4` of a mail's link), or null. */
function scoreOf(value: unknown): number | null {
  return typeof value === 'string' && /^[1-5]$/.test(value.trim()) ? Number(value) : null;
}

/**
 * `GET /rate/:token` shows the rating form of the ticket a mail's link names; `POST` with
 * `score` (and an optional `comment`) rates it as the ticket's requester. Pages, not API: they
 * answer in HTML in the requester's language and stay out of the OpenAPI document.
 */
export function ratingLinkRoutes({ db, tickets, i18n, failures }: RouteDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    const rating = createLinkRating({ models: db.models, tickets, links: createRatingLinks(db.models) });

    // The browser posts the form urlencoded; only these routes accept that (the plugin is encapsulated).
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_LIMIT }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });

    /** The requester's own language when the link is valid, else the browser's, else the default. */
    const localeOf = (request: FastifyRequest, linked: LinkedTicket | null): string => {
      const header = request.headers['accept-language'];
      const wanted = [linked?.requester.locale ?? '', ...acceptedLanguages(typeof header === 'string' ? header : undefined)];
      return wanted.find((language) => language && i18n.locales.includes(language)) ?? i18n.defaultLocale;
    };

    const send = (reply: FastifyReply, status: number, body: string) => reply.status(status).headers(ratingPageHeaders).send(body);

    const message = (reply: FastifyReply, locale: string, status: number, key: string, params: Record<string, string | number> = {}) =>
      send(reply, status, ratingMessagePage({ translate: i18n.translate, locale, title: i18n.translate(locale, 'email.rate.page_title'), message: i18n.translate(locale, key, params) }));

    /** Turns every failure into a translated page; only the unexpected ones are logged. */
    const fail = (request: FastifyRequest, reply: FastifyReply, locale: string, error: unknown) => {
      // A link that names no ticket is a guess or a typo: counted, and too many make the client wait.
      if (error instanceof RatingLinkError && (error.reason === 'malformed' || error.reason === 'unknown')) failures.failed(clientOf(request));
      if (error instanceof RatingLinkError) {
        const refusal = refusals[error.reason];
        return message(reply, locale, refusal.status, refusal.key, error.params);
      }
      if (isHelpdeskError(error) && error.code === 'INVALID_TRANSITION') {
        const status = i18n.translate(locale, `status.${String(error.params.from)}`);
        return message(reply, locale, 409, 'email.rate.not_rateable', { number: error.params.number ?? '', status });
      }
      if (isHelpdeskError(error)) return message(reply, locale, error.httpStatus, `error.${error.code}`, error.params);
      request.log.error({ err: error }, 'rating from a mail link failed');
      return message(reply, locale, 500, 'error.INTERNAL');
    };

    const stateMessage = (reply: FastifyReply, locale: string, linked: LinkedTicket) => {
      const { ticket } = linked;
      if (linked.state === 'rated') return message(reply, locale, 200, 'email.rate.already', { number: ticket.number, score: ticket.rating?.score ?? '' });
      return message(reply, locale, 409, 'email.rate.not_rateable', { number: ticket.number, status: i18n.translate(locale, `status.${ticket.status}`) });
    };

    /** A client that guessed too many links gets a page saying when to come back, nothing checked. */
    app.addHook('onRequest', async (request, reply) => {
      const wait = failures.waitMs(clientOf(request));
      if (wait > 0) return message(reply, localeOf(request, null), 429, 'error.TOO_MANY_ATTEMPTS', { seconds: tellToWait(reply, wait) });
    });

    app.get<RatingRequest>('/rate/:token', { schema: { hide: true } }, async (request, reply) => {
      let linked: LinkedTicket | null = null;
      try {
        linked = await rating.open(request.params.token);
        const locale = localeOf(request, linked);
        if (linked.state !== 'rateable') return stateMessage(reply, locale, linked);
        const page = ratingFormPage({ translate: i18n.translate, locale, ticket: linked.ticket, chosen: scoreOf(request.query.score), commentLimit: limits.ratingComment });
        return send(reply, 200, page);
      } catch (error) {
        return fail(request, reply, localeOf(request, linked), error);
      }
    });

    app.post<RatingRequest>('/rate/:token', { schema: { hide: true } }, async (request, reply) => {
      let linked: LinkedTicket | null = null;
      try {
        linked = await rating.open(request.params.token);
        const locale = localeOf(request, linked);
        const body = request.body ?? {};
        const score = scoreOf(body.score);
        if (score === null) throw new RatingLinkError('bad_score');
        const comment = typeof body.comment === 'string' ? body.comment : null;
        const rated = await rating.rate(linked, score, comment);
        return message(reply, locale, 200, 'email.rate.thanks', { number: rated.number, score });
      } catch (error) {
        return fail(request, reply, localeOf(request, linked), error);
      }
    });
  };
}
