import { GrammyError, HttpError } from 'grammy';

/**
 * The bot token is part of every Bot API URL, file download links included, and network
 * errors quote the URL. Everything we log about a Telegram error goes through here.
 */
export type Redact = (text: unknown) => string;

export function createRedact(token: string): Redact {
  // Whatever a library hands over (an error without a description is a real case) comes out a string.
  return (text: unknown) => {
    const value = typeof text === 'string' ? text : text === undefined || text === null ? '' : JSON.stringify(text) ?? '';
    return token ? value.split(token).join('[token]') : value;
  };
}

/** A loggable description of an error with every occurrence of the token removed. */
export function describeError(error: unknown, redact: Redact): Record<string, unknown> {
  if (error instanceof GrammyError) {
    return { type: 'GrammyError', method: error.method, code: error.error_code, description: redact(error.description) };
  }
  if (error instanceof HttpError) {
    const inner = error.error instanceof Error ? error.error.message : String(error.error);
    return { type: 'HttpError', message: redact(error.message), cause: redact(inner) };
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      type: error.name,
      message: redact(error.message),
      ...(code !== undefined ? { code } : {}),
      stack: redact(error.stack ?? ''),
    };
  }
  return { type: typeof error, message: redact(String(error)) };
}

/**
 * The same failure as an Error fit to leave the bot (start() rejecting into main's log):
 * grammY's network errors carry the request URL, token included, in enumerable fields.
 */
export function sanitizedError(error: unknown, redact: Redact, context: string): Error {
  const described = describeError(error, redact);
  const detail = [described.method, described.code, described.description ?? described.message, described.cause].filter(Boolean).join(' ');
  return new Error(`${context}: ${String(detail)}`);
}
