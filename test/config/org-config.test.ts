import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { parseOrgConfig } from '../../src/config/load-org-config.js';
import { exampleConfigPath } from '../../src/main.js';

const minimal = `
timezone: Europe/Moscow
departments:
  - id: it
    name: { en: IT }
`;

function located(text: string): string[] {
  try {
    parseOrgConfig(text, 'test.yaml');
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  return [];
}

/** The problems without their place in the file. */
const problems = (text: string) => located(text).map((line) => line.replace(/ \(line \d+, column \d+\)$/, ''));

describe('org config', () => {
  it('accepts the shipped example and normalizes it', () => {
    const config = parseOrgConfig(readFileSync(exampleConfigPath, 'utf8'), 'example');
    expect(config.departments.map((d) => d.id)).toEqual(['it', 'facilities', 'hr']);
    const it = config.departments[0]!;
    expect(it.name).toEqual({ en: 'IT support', ru: 'ИТ-поддержка' });
    // Shipped bound to no chat: a newcomer's real bot token posts nowhere until they bind.
    expect(config.departments.every((d) => (d.telegram ?? []).length === 0 && (d.slack ?? []).length === 0)).toBe(true);
    expect(config.locale).toBe('en');
    expect(it.sla.urgent).toEqual({ firstResponse: 30, resolution: 240, clock: '24/7' });
    expect(it.sla.normal).toEqual({ firstResponse: 240, resolution: 2880, clock: 'business' });
    expect(it.hours).toMatchObject({ mon: [{ from: '09:00', to: '18:00' }], fri: [{ from: '09:00', to: '17:00' }] });
    expect(config.departments[1]!.hours).toMatchObject({ mon: [{ from: '08:00', to: '12:00' }, { from: '13:00', to: '17:00' }] });
    expect(config.people.filter((p) => p.departments.length > 1).map((p) => p.email)).toEqual(['anna.support@example.com']);
    expect(config.people.every((p) => p.email === p.email.toLowerCase())).toBe(true);
  });

  it('ships a Russian example beside it, the same org, also unbound', () => {
    const ru = parseOrgConfig(readFileSync(exampleConfigPath.replace(/helpdesk\.yaml$/, 'helpdesk.ru.yaml'), 'utf8'), 'example-ru');
    const en = parseOrgConfig(readFileSync(exampleConfigPath, 'utf8'), 'example');
    expect(ru.locale).toBe('ru');
    expect(ru.departments.map((d) => d.id)).toEqual(en.departments.map((d) => d.id));
    expect(ru.people.map((p) => p.email)).toEqual(en.people.map((p) => p.email));
    expect(ru.departments.every((d) => (d.telegram ?? []).length === 0 && (d.slack ?? []).length === 0)).toBe(true);
  });

  it('reads chat bindings', () => {
    const config = parseOrgConfig(`${minimal}    telegram: { chat: -1001000000001 }\n    slack: { channels: [C0IT000001, C0IT000002] }\n`, 'bound');
    expect(config.departments[0]).toMatchObject({ telegram: ['-1001000000001'], slack: ['C0IT000001', 'C0IT000002'] });
  });

  it('applies defaults', () => {
    const config = parseOrgConfig(minimal, 'minimal');
    expect(config).toMatchObject({ locale: 'en', registration: { open: false }, people: [] });
    expect(config.departments[0]).toMatchObject({ categories: [], holidays: [], autoCloseDays: 3, sla: {} });
  });

  it.each([
    ['timezone: Mars/Olympus\ndepartments: [{ id: it, name: { en: IT } }]', 'timezone: expected an IANA time zone, like Europe/Moscow'],
    ['timezone: UTC\ndepartments: []', 'departments: expected at least one department'],
    ['timezone: UTC\ndepartments: [{ id: IT, name: { en: IT } }]', 'departments[0].id: expected a short id of lowercase letters, digits, - or _'],
    ['timezone: UTC\ndepartments: [{ id: it, name: {} }]', 'departments[0].name: expected at least one language, like { en: IT, ru: ИТ }'],
    ['timezone: UTC\ndepartments: [{ id: it, name: { en: IT }, sla: { high: { firstResponse: soon, resolution: 4h } } }]', 'departments[0].sla.high.firstResponse: expected a duration like 4h, 30m, 1h30m or 2d'],
    ['timezone: UTC\ndepartments: [{ id: it, name: { en: IT }, sla: { asap: { firstResponse: 1h, resolution: 4h } } }]', 'departments[0].sla: unknown field(s): asap'],
    ['timezone: UTC\ndepartments: [{ id: it, name: { en: IT }, hours: { mon: "18:00-09:00" } }]', 'departments[0].hours.mon: expected working hours like "09:00-18:00" or "09:00-13:00, 14:00-18:00", or null for closed'],
    ['timezone: UTC\ndepartments: [{ id: it, name: { en: IT }, holidays: [2026-13-45] }]', 'departments[0].holidays[0]: expected a date like 2026-12-31'],
    ['timezone: UTC\ndepartments: [{ id: it, name: { en: IT } }]\npeople: [{ name: A, email: not-mail }]', 'people[0].email: expected an e-mail address'],
    ['timezone: UTC\ndepartments: [{ id: it, name: { en: IT } }]\npeople: [{ name: A, email: a@x.io, role: boss }]', 'people[0].role: "boss" is not allowed (one of: requester, agent, coordinator, manager, admin)'],
    ['timezone: UTC\ndepartments: [{ id: it, name: { en: IT } }]\npeople: [{ name: A, email: a@x.io, role: agnet, departments: [it] }]', 'people[0].role: "agnet" is not allowed: did you mean "agent"? (one of: requester, agent, coordinator, manager, admin)'],
    ['timezone: UTC\ndepartments: [{ id: it, name: { en: IT } }]\npeople: [{ name: A, email: a@x.io, departments: [hr] }]', 'people[0].departments[0]: unknown department hr'],
    ['timezone: UTC\ndepartments: [{ id: it, name: { en: IT } }]\npeople: [{ name: A, email: a@x.io, role: agent }]', 'people[0].departments: an agent needs at least one department'],
    ['timezone: UTC\ndepartments: [{ id: it, name: { en: IT } }, { id: it, name: { en: IT2 } }]', 'departments[1].id: duplicate department id: it is already used at index 0'],
    ['timezone: UTC\ndepartments: [{ id: it, name: { en: IT } }]\npeople: [{ name: A, email: A@x.io }, { name: B, email: a@x.io }]', 'people[1].email: duplicate e-mail: a@x.io is already used at index 0'],
    ['timezone: UTC\ndepartments: [{ id: it, name: { en: IT } }]\npeople: [{ name: A, email: a@x.io, telegram: 5 }, { name: B, email: b@x.io, telegram: 5 }]', 'people[1].telegram: duplicate Telegram id: 5 is already used at index 0'],
    ['timezone: UTC\ndepartment: []', 'departments: required'],
  ])('%#: reports %s', (text, expected) => {
    expect(problems(text)).toContain(expected);
  });

  it('reports every schema error at once', () => {
    const found = problems('timezone: Nowhere\nlocale: de\ndepartments: [{ id: X, name: {} }]\npeople: [{ name: "", email: x }]');
    expect(found.map((p) => p.split(':')[0])).toEqual(['timezone', 'locale', 'departments[0].id', 'departments[0].name', 'people[0].name', 'people[0].email']);
  });

  it('reports YAML syntax errors with line and column, the knock-on errors folded into one line', () => {
    const found = problems('timezone: UTC\ndepartments:\n  - id: it\n   name: [unclosed\n');
    expect(found[0]).toMatch(/^line \d+, column \d+: /);
    expect(found.length).toBeLessThanOrEqual(2);
    if (found[1]) expect(found[1]).toMatch(/more YAML error\(s\), most likely caused by this one/);
  });

  it('reports structural and cross-reference errors in one pass, each with its line and column', () => {
    const text = ['timezone: UTC', 'departments:', '  - id: it', '    name: { en: IT }', '    onDuty: [nobody@x.io]', 'people:', '  - { name: A, email: a@x.io, role: agent, departments: [hr] }', '  - { name: "", email: a@x.io }'].join('\n');
    const found = located(text);
    expect(found).toContain('people[1].name: must not be empty (line 8, column 13)');
    expect(found).toContain('people[0].departments[0]: unknown department hr (line 7, column 58)');
    expect(found).toContain('departments[0].onDuty[0]: nobody@x.io is not in people (line 5, column 14)');
    expect(found).toContain('people[1].email: duplicate e-mail: a@x.io is already used at index 0 (line 8, column 24)');
  });
});
