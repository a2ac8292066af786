/** The sender has no linked person: they must /start in a private chat first. */
export class NotLinkedError extends Error {
  constructor() {
    super('telegram account not linked to a person');
    this.name = 'NotLinkedError';
  }
}

/** Callback data that fails its signature or names an unknown action: forged, copied or from an old bot. */
export class InvalidButtonError extends Error {
  constructor(readonly data: string) {
    super('invalid callback data');
    this.name = 'InvalidButtonError';
  }
}

/** A button of a dialog step that is over (pressed again later, or the dialog was cancelled). */
export class StaleButtonError extends Error {
  constructor() {
    super('button of a finished dialog step');
    this.name = 'StaleButtonError';
  }
}
