import { Ajv, type Options } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

const common: Options = { removeAdditional: false, allErrors: true, useDefaults: true, strict: false };

/**
 * Query strings and path parameters arrive as text, so they are coerced to numbers and
 * booleans; bodies are JSON and are taken as they are: "7" is not a number, 7 is not a
 * string, and an object is never turned into anything else.
 */
export function validatorCompiler(): FastifySchemaCompiler<object> {
  const text = new Ajv({ ...common, coerceTypes: true });
  const json = new Ajv({ ...common, coerceTypes: false });
  return ({ schema, httpPart }) => (httpPart === 'body' ? json : text).compile(schema);
}
