/** An extension at the end of a number: "x 12", "ext. 12", ";ext=12", "доб. 12", "#12", ", 12". */
const EXTENSION = /\s*(?:;\s*ext=|ext\.?|extension|x|доб\.?|вн\.?|#|,)\s*\d{1,6}\s*$/iu;

/**
 * Phone numbers compared by their last ten digits, with an extension dropped, so
 * "+7 (912) 345-67-89", "8 912 345 67 89 доб. 12" and a Telegram contact's "79123456789" are
 * the same person.
 */
export function phoneKey(phone: string | null | undefined): string | null {
  const digits = (phone ?? '').replace(EXTENSION, '').replace(/\D/g, '');
  return digits.length >= 7 ? digits.slice(-10) : null;
}

/** The distinct keys of several numbers, for the person's `phoneKeys`. */
export function phoneKeysOf(phones: (string | null | undefined)[]): string[] {
  return [...new Set(phones.map(phoneKey).filter((key): key is string => key !== null))];
}
