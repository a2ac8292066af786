import type { ConfigIssue } from './config-error.js';
import type { ParsedOrgConfig } from './org-schema.js';

function duplicates<T>(items: T[], key: (item: T) => string | undefined): Map<number, string> {
  const seen = new Map<string, number>();
  const found = new Map<number, string>();
  items.forEach((item, index) => {
    const value = key(item);
    if (value === undefined) return;
    const first = seen.get(value);
    if (first === undefined) seen.set(value, index);
    else found.set(index, `${value} is already used at index ${first}`);
  });
  return found;
}

/** Checks what a schema cannot: unique ids and e-mails, and that referenced departments exist. */
export function checkReferences(config: ParsedOrgConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [index, message] of duplicates(config.departments, (d) => d.id)) {
    issues.push({ path: `departments[${index}].id`, message: `duplicate department id: ${message}` });
  }
  config.departments.forEach((department, d) => {
    for (const [index, message] of duplicates(department.categories, (c) => c.id)) {
      issues.push({ path: `departments[${d}].categories[${index}].id`, message: `duplicate category id: ${message}` });
    }
    if (!department.name.en && !department.name[config.locale]) {
      issues.push({ path: `departments[${d}].name`, message: `expected a name in en or in the org locale (${config.locale})` });
    }
  });
  const departmentIds = new Set(config.departments.map((d) => d.id));
  for (const [index, message] of duplicates(config.people, (p) => p.email)) {
    issues.push({ path: `people[${index}].email`, message: `duplicate e-mail: ${message}` });
  }
  for (const [index, message] of duplicates(config.people, (p) => p.telegram)) {
    issues.push({ path: `people[${index}].telegram`, message: `duplicate Telegram id: ${message}` });
  }
  for (const [index, message] of duplicates(config.people, (p) => p.slack)) {
    issues.push({ path: `people[${index}].slack`, message: `duplicate Slack id: ${message}` });
  }
  config.people.forEach((person, p) => {
    person.departments.forEach((id, d) => {
      if (!departmentIds.has(id)) issues.push({ path: `people[${p}].departments[${d}]`, message: `unknown department ${id}` });
    });
    if ((person.role === 'agent' || person.role === 'coordinator') && person.departments.length === 0) {
      issues.push({ path: `people[${p}].departments`, message: `an ${person.role} needs at least one department` });
    }
  });
  const people = new Map(config.people.map((person) => [person.email, person]));
  config.departments.forEach((department, d) => {
    department.onDuty.forEach((address, index) => {
      if (!people.has(address)) issues.push({ path: `departments[${d}].onDuty[${index}]`, message: `${address} is not in people` });
    });
  });
  config.directory?.ldap?.groups.forEach((group, g) => {
    const path = `directory.ldap.groups[${g}]`;
    group.departments.forEach((id, d) => {
      if (!departmentIds.has(id)) issues.push({ path: `${path}.departments[${d}]`, message: `unknown department ${id}` });
    });
    if ((group.role === 'agent' || group.role === 'coordinator') && group.departments.length === 0) {
      issues.push({ path: `${path}.departments`, message: `an ${group.role} needs at least one department` });
    }
  });
  for (const [index, message] of duplicates(config.schedules, (s) => s.id)) {
    issues.push({ path: `schedules[${index}].id`, message: `duplicate schedule id: ${message}` });
  }
  config.schedules.forEach((schedule, s) => {
    const department = config.departments.find((candidate) => candidate.id === schedule.ticket.department);
    if (!department) issues.push({ path: `schedules[${s}].ticket.department`, message: `unknown department ${schedule.ticket.department}` });
    else if (schedule.ticket.category && !department.categories.some((category) => category.id === schedule.ticket.category)) {
      issues.push({ path: `schedules[${s}].ticket.category`, message: `unknown category ${schedule.ticket.category} in department ${department.id}` });
    }
    for (const field of ['assignee', 'requester'] as const) {
      const address = schedule.ticket[field];
      if (address && !people.has(address)) issues.push({ path: `schedules[${s}].ticket.${field}`, message: `${address} is not in people` });
    }
    const assignee = schedule.ticket.assignee ? people.get(schedule.ticket.assignee) : undefined;
    if (assignee && assignee.role === 'requester') {
      issues.push({ path: `schedules[${s}].ticket.assignee`, message: `${assignee.email} is a requester and cannot be assigned tickets` });
    }
  });
  return issues.sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
}
