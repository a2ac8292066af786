/** Codes of failures the HTTP edge detects itself (the core's codes are in src/errors.ts). */
export type HttpErrorCode =
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'BODY_TOO_LARGE'
  | 'MALFORMED_JSON'
  | 'MALFORMED_MULTIPART'
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'INTERNAL';

/** A transport-level failure (bad content type, unreadable body) with a stable, translatable code. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: HttpErrorCode,
    message: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}
