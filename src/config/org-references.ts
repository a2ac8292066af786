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
  return issues.sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
}
