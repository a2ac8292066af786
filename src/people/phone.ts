/**
 * Phone numbers compared by their last ten digits, so "+7 (912) 345-67-89", "89123456789"
 * and a Telegram contact's "79123456789" are the same person.
 */
export function phoneKey(phone: string | null | undefined): string | null {
  const digits = (phone ?? '').replace(/\D/g, '');
  return digits.length >= 7 ? digits.slice(-10) : null;
}
