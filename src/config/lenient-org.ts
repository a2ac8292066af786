import type { ParsedOrgConfig } from './org-schema.js';

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const record = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const text = (value: unknown): string | undefined => (typeof value === 'string' || typeof value === 'number' ? String(value).trim() : undefined);
const lower = (value: unknown): string | undefined => text(value)?.toLowerCase();

/**
 * The org config as far as it can be read when the schema refused part of it: enough of each
 * department, person and schedule for the cross-reference checks (unknown department, duplicate
 * e-mail, unknown on-duty person), so those come in the same pass as the structural errors,
 * at the same indices. Missing fields are empty, never guessed.
 */
export function lenientOrgConfig(raw: unknown): ParsedOrgConfig {
  const root = record(raw);
  const departments = list(root.departments).map((item) => {
    const department = record(item);
    return {
      id: text(department.id),
      name: record(department.name),
      categories: list(department.categories).map((category) => ({ id: text(record(category).id) })),
      onDuty: list(department.onDuty).map(lower).filter((address): address is string => address !== undefined),
    };
  });
  const people = list(root.people).map((item) => {
    const person = record(item);
    return {
      email: lower(person.email),
      telegram: text(person.telegram),
      slack: text(person.slack),
      role: text(person.role) ?? 'requester',
      departments: list(person.departments).map(text).filter((id): id is string => id !== undefined),
    };
  });
  const schedules = list(root.schedules).map((item) => {
    const schedule = record(item);
    const ticket = record(schedule.ticket);
    return { id: text(schedule.id), ticket: { department: text(ticket.department), category: text(ticket.category), assignee: lower(ticket.assignee), requester: lower(ticket.requester) } };
  });
  return { locale: text(root.locale) ?? 'en', departments, people, schedules } as unknown as ParsedOrgConfig;
}
