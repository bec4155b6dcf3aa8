import { Ajv, type Options } from 'ajv';
import addFormatsImport from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;

const common: Options = { allErrors: false, strict: false, removeAdditional: false, useDefaults: true };
// Bodies are taken as sent: a wrong type is an error, never silently coerced; unknown fields are refused by the schemas.
const bodyAjv = addFormats(new Ajv({ ...common, coerceTypes: false }));
// Query strings and path params arrive as text: coerce them to the declared types.
const textAjv = addFormats(new Ajv({ ...common, coerceTypes: 'array' }));

/** Strict validation for bodies, coercing validation for querystring, params and headers. */
export const validatorCompiler: FastifySchemaCompiler<any> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object) as any;
