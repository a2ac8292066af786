import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from './config-error.js';
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

function schemaIssues(error: z.ZodError): ConfigIssue[] {
  return error.issues.flatMap(expandUnion).map((issue) => {
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') message = `unknown field(s): ${issue.keys.join(', ')}`;
    if (issue.code === 'invalid_type' && /received undefined/.test(message)) message = 'required';
    return { path: formatPath(issue.path) || '(root)', message };
  });
}

/**
 * Parses and validates org config text. Throws ConfigError with every problem (YAML syntax
 * with line and column, schema, cross references); returns nothing half-valid.
 */
export function parseOrgConfig(text: string, sourceName: string): OrgConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { prettyErrors: false, lineCounter });
  if (document.errors.length > 0) {
    throw new ConfigError(
      `Invalid org config ${sourceName}:`,
      document.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return { path: `line ${line}, column ${col}`, message: error.message.split('\n')[0] ?? 'YAML syntax error' };
      }),
    );
  }
  const parsed = orgConfigSchema.safeParse(document.toJS());
  if (!parsed.success) throw new ConfigError(`Invalid org config ${sourceName}:`, schemaIssues(parsed.error));
  const issues = checkReferences(parsed.data);
  if (issues.length > 0) throw new ConfigError(`Invalid org config ${sourceName}:`, issues);
  return parsed.data;
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
