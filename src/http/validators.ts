import { Ajv, type Options, type ValidateFunction } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

// allErrors: report every bad field at once; removeAdditional: false, so unknown fields are
// refused (additionalProperties: false) rather than silently dropped.
const common: Options = { removeAdditional: false, allErrors: true, useDefaults: true, strict: false };

// Query strings and path parameters arrive as text, so "2" may become the integer 2 there.
// Bodies are JSON and are taken as they are: "7" is not a number, 7 is not a string, and an
// object ({"$gt": ""}) is never turned into anything else.
const textAjv = new Ajv({ ...common, coerceTypes: true });
const jsonAjv = new Ajv({ ...common, coerceTypes: false });

/** Compiles a JSON-body schema; also used for multipart fields, which are checked by the same schema. */
export function compileBodySchema<T>(schema: object): ValidateFunction<T> {
  return jsonAjv.compile<T>(schema);
}

/**
 * Fastify's validator compiler. A multipart body is streamed, not parsed before the handler,
 * so its schema only documents the form: the handler validates the fields once read.
 */
export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart, contentType }) => {
  if (httpPart === 'body' && contentType === 'multipart/form-data') return () => true;
  return (httpPart === 'body' ? jsonAjv : textAjv).compile(schema);
};
