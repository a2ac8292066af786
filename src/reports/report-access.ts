import { HelpdeskError } from '../errors.js';
import type { Actor } from '../people/actor.js';
import { hasRole } from '../people/policy.js';

/**
 * The departments a person's reports cover: every department for managers and admins
 * (null), their own for coordinators. Agents and requesters get a refusal the bots and the
 * API translate (REPORTS_FORBIDDEN).
 */
export function reportDepartments(actor: Actor): string[] | null {
  if (hasRole(actor, 'manager')) return null;
  if (hasRole(actor, 'coordinator') && actor.departments.length > 0) return [...actor.departments];
  throw new HelpdeskError('REPORTS_FORBIDDEN', 'reports are for managers and coordinators');
}

/** True when the person may ask for reports at all (for menus and help texts). */
export function mayReport(actor: Actor): boolean {
  return hasRole(actor, 'manager') || (hasRole(actor, 'coordinator') && actor.departments.length > 0);
}
