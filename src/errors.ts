/**
 * Typed errors with stable codes. The core throws them; each edge (REST, bots, CLI)
 * translates the code for its user, so a message never depends on where it happened.
 */
export const errorHttpStatus = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  QUEUE_FORBIDDEN: 403,
  ADMIN_ONLY: 403,
  STAFF_ONLY: 403,
  ACCOUNT_DEACTIVATED: 403,
  MANAGER_ONLY: 403,
  REPORTS_FORBIDDEN: 403,
  NOT_FOUND: 404,
  TICKET_NOT_FOUND: 404,
  PERSON_NOT_FOUND: 404,
  DEPARTMENT_NOT_FOUND: 404,
  TICKET_ALREADY_TAKEN: 409,
  INVALID_TRANSITION: 409,
  VERSION_CONFLICT: 409,
  ALREADY_IN_STATE: 409,
  SCHEDULE_EXISTS: 409,
  FILE_TOO_LARGE: 413,
  DIRECTORY_NOT_CONFIGURED: 409,
  DIRECTORY_GUARD: 409,
  DIRECTORY_BUSY: 409,
  DIRECTORY_FAILED: 502,
  REPORT_BUSY: 429,
  TOO_MANY_ATTEMPTS: 429,
} as const;

export type ErrorCode = keyof typeof errorHttpStatus;

export interface FieldError {
  path: string;
  message: string;
}

export class HelpdeskError extends Error {
  readonly code: ErrorCode;
  /** Values a translator may put into the message (ticket number, owner name, limit). */
  readonly params: Record<string, string | number>;
  readonly fields: FieldError[];

  constructor(
    code: ErrorCode,
    message: string,
    params: Record<string, string | number> = {},
    fields: FieldError[] = [],
  ) {
    super(message);
    this.name = 'HelpdeskError';
    this.code = code;
    this.params = params;
    this.fields = fields;
  }

  get httpStatus(): number {
    return errorHttpStatus[this.code];
  }
}

export function isHelpdeskError(error: unknown): error is HelpdeskError {
  return error instanceof HelpdeskError;
}
