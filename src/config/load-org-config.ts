import { readFile } from 'node:fs/promises';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { closest } from './did-you-mean.js';
import { lenientOrgConfig } from './lenient-org.js';
import { checkReferences } from './org-references.js';
import { orgConfigSchema, type ParsedOrgConfig } from './org-schema.js';

/** The validated, normalized org config (durations in minutes, hours as ranges, chats as strings). */
export type OrgConfig = ParsedOrgConfig;

/** `departments[1].sla.high.resolution` from zod's path array. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)), '');
}

type Issue = z.core.$ZodIssue;

/**
 * A failed union ("24/7" or a weekly table) says only "Invalid input"; report instead the
 * problems of the branch that had the right shape, which name the real field.
 */
function expandUnion(issue: Issue): Issue[] {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
  const depth = (branch: Issue[]) => Math.max(...branch.map((inner) => inner.path.length));
  const shaped = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0];
  if (!shaped || depth(shaped) === 0) return [issue];
  return shaped.flatMap((inner) => expandUnion({ ...inner, path: [...issue.path, ...inner.path] }));
}

/** A field's value was not one of the allowed ones: say which were allowed, and the nearest. */
function enumMessage(issue: Issue): string | null {
  // Only zod's own wording ("Invalid option..."): a schema's message of its own is kept.
  if (issue.code !== 'invalid_value' || !issue.message.startsWith('Invalid option')) return null;
  const allowed = issue.values.map(String);
  const given = (issue as { input?: unknown }).input;
  const near = typeof given === 'string' ? closest(given, allowed) : null;
  return `${typeof given === 'string' ? `"${given}" is not allowed` : 'not allowed'}${near ? `: did you mean "${near}"?` : ''} (one of: ${allowed.join(', ')})`;
}

function schemaIssues(error: z.ZodError): { path: (string | number)[]; message: string }[] {
  return error.issues.flatMap(expandUnion).map((issue) => {
    let message = enumMessage(issue) ?? issue.message;
    if (issue.code === 'unrecognized_keys') message = `unknown field(s): ${issue.keys.join(', ')}`;
    if (issue.code === 'invalid_type' && /received undefined/.test(message)) message = 'required';
    return { path: issue.path.filter((part): part is string | number => typeof part !== 'symbol'), message };
  });
}

/** The issue with where it is in the file: the nearest node of its path that is there. */
function located(document: Document, lineCounter: LineCounter, path: (string | number)[], message: string): ConfigIssue {
  const name = formatPath(path) || '(root)';
  for (let length = path.length; length >= 0; length -= 1) {
    const node = document.getIn(path.slice(0, length), true);
    if (isNode(node) && node.range) {
      const { line, col } = lineCounter.linePos(node.range[0]);
      return { path: name, message: `${message} (line ${line}, column ${col})` };
    }
  }
  return { path: name, message };
}

/**
 * Parses and validates org config text. Throws ConfigError with every problem in one pass:
 * YAML syntax (the first error; what follows it is usually its knock-on), then the schema's
 * and the cross references' (unknown department, duplicate e-mail...) together, each with its
 * line and column; returns nothing half-valid.
 */
export function parseOrgConfig(text: string, sourceName: string): OrgConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, lineCounter });
  if (document.errors.length > 0) {
    const [first, ...rest] = document.errors;
    const { line, col } = lineCounter.linePos(first!.pos[0]);
    const issues: ConfigIssue[] = [{ path: `line ${line}, column ${col}`, message: first!.message.split('\n')[0] ?? 'YAML syntax error' }];
    if (rest.length > 0) issues.push({ path: `after line ${line}`, message: `${rest.length} more YAML error(s), most likely caused by this one: fix it and check again` });
    throw new ConfigError(`Invalid org config ${sourceName}:`, issues);
  }
  const raw: unknown = document.toJS();
  const parsed = orgConfigSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    const structural = schemaIssues(parsed.error);
    const seen = new Set(structural.map((issue) => formatPath(issue.path)));
    // Cross references of what could be read, in the same pass; none twice for one field.
    const references = checkReferences(lenientOrgConfig(raw)).filter((issue) => !seen.has(issue.path) && !/undefined/.test(issue.message));
    const issues = [
      ...structural.map((issue) => located(document, lineCounter, issue.path, issue.message)),
      ...references.map((issue) => located(document, lineCounter, pathOf(issue.path), issue.message)),
    ];
    throw new ConfigError(`Invalid org config ${sourceName}:`, issues);
  }
  const issues = checkReferences(parsed.data);
  if (issues.length > 0) {
    throw new ConfigError(
      `Invalid org config ${sourceName}:`,
      issues.map((issue) => located(document, lineCounter, pathOf(issue.path), issue.message)),
    );
  }
  return parsed.data;
}

/** `people[2].departments[0]` back into its parts. */
function pathOf(path: string): (string | number)[] {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((match) => (match[2] !== undefined ? Number(match[2]) : match[1]!));
}

/** Reads and validates the org config file at `path`. */
export async function loadOrgConfig(path: string): Promise<OrgConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read org config ${path}:`, [{ path, message: (error as Error).message }]);
  }
  return parseOrgConfig(text, path);
}
