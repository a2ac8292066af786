import type { ErrorObject } from 'ajv';
import type { FieldError } from '../errors.js';

/** Enough to fix a request; a hostile body with thousands of bad fields does not get thousands of lines back. */
const MAX_FIELD_ERRORS = 50;

function message(issue: ErrorObject): string {
  const params = issue.params as Record<string, unknown>;
  switch (issue.keyword) {
    case 'additionalProperties':
      return 'unknown field';
    case 'required':
      return 'required';
    case 'enum':
      return Array.isArray(params.allowedValues) ? `must be one of: ${params.allowedValues.join(', ')}` : 'not allowed';
    default:
      return issue.message ?? 'invalid';
  }
}

/** The dotted path of the offending value inside its part (`tags.0`), '' for the part itself. */
function path(issue: ErrorObject): string {
  const params = issue.params as Record<string, unknown>;
  const segments = issue.instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  const child = params.additionalProperty ?? params.missingProperty;
  if (typeof child === 'string') segments.push(child);
  return segments.join('.');
}

/** Ajv's errors as `{ path, message }` relative to the validated part, without duplicates. */
export function fieldErrorsFromAjv(issues: readonly ErrorObject[]): FieldError[] {
  const seen = new Set<string>();
  const fields: FieldError[] = [];
  for (const issue of issues) {
    const field = { path: path(issue), message: message(issue) };
    const key = `${field.path}\u0000${field.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    fields.push(field);
    if (fields.length >= MAX_FIELD_ERRORS) break;
  }
  return fields;
}

/** Puts a part-relative path under the part it came from: `body.title`, `query.page`, `params.number`. */
export function underPart(part: string, fields: readonly FieldError[]): FieldError[] {
  return fields.map((field) => ({ ...field, path: field.path ? `${part}.${field.path}` : part }));
}
