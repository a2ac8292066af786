/**
 * Why a directory sync changed nothing. `reason` is stable (the REST API and the alert key
 * on it); the message is precise and names the setting to fix, never a secret.
 */
export type DirectoryFailure =
  | 'not_configured'
  | 'password_missing'
  | 'unreachable'
  | 'timeout'
  | 'certificate'
  | 'bind_refused'
  | 'search_failed'
  | 'unknown_attributes'
  | 'duplicates'
  | 'too_many_deactivations'
  | 'busy';

export class DirectoryError extends Error {
  readonly reason: DirectoryFailure;

  constructor(reason: DirectoryFailure, message: string) {
    super(message);
    this.name = 'DirectoryError';
    this.reason = reason;
  }

  /** Worth trying again later by itself (the server may come back); the others need a person. */
  get transient(): boolean {
    return this.reason === 'unreachable' || this.reason === 'timeout' || this.reason === 'busy';
  }
}

export function isDirectoryError(error: unknown): error is DirectoryError {
  return error instanceof DirectoryError;
}
