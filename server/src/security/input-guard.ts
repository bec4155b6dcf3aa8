import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../errors.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `charset` of a Content-Type, lower-cased, or null. */
function charsetOf(contentType: string | undefined): string | null {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '');
  return m ? m[1].toLowerCase() : null;
}

/**
 * Where a text value cannot be stored as sent. PostgreSQL refuses NUL in text (SQLite would
 * keep it: the engines must agree), and a lone UTF-16 surrogate is not a character at all.
 */
function badText(s: string): string | null {
  if (s.includes('\u0000')) return 'contains a NUL character';
  if (LONE_SURROGATE.test(s)) return 'is not well-formed Unicode (a lone surrogate)';
  return null;
}
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Finds the first value in a parsed body that no column can hold: a bad string (as above) or
 * an integer beyond ±2^53, which JavaScript cannot hold exactly and PostgreSQL's bigint may not
 * hold at all. Iterative, so a 10,000-level document cannot overflow the stack.
 */
function firstBadValue(root: unknown): { path: string; problem: string } | null {
  const stack: [unknown, string][] = [[root, 'body']];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      const p = badText(v);
      if (p) return { path, problem: p };
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { path, problem: 'is not a finite number' };
      if (Number.isInteger(v) && !Number.isSafeInteger(v)) return { path, problem: 'is a number too large to be exact' };
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push([v[i], `${path}[${i}]`]);
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        const p = badText(k);
        if (p) return { path: `${path} key`, problem: p };
        stack.push([x, `${path}.${k}`]);
      }
    }
  }
  return null;
}

/** The declared type of a query or path parameter, from the route's schema. */
function declaredType(schema: unknown, name: string): string | undefined {
  const p = (schema as { properties?: Record<string, { type?: string; anyOf?: { type?: string }[] }> } | undefined)?.properties?.[name];
  return p?.type ?? p?.anyOf?.find((s) => s.type)?.type;
}

/**
 * Input every route refuses before its own validation (issue 9, found by fuzzing on
 * PostgreSQL, where these were 500s): JSON that is not UTF-8 (by its bytes or its declared
 * charset), NUL characters and lone surrogates in any text (body, query, path, headers),
 * numbers that are not finite (1e999) or integers that cannot be exact, and numeric query or
 * path parameters beyond ±2^53 or infinite (an id of 99999999999999999999 is no id). Answers 400 (415 for a charset other than UTF-8).
 */
export function installInputGuard(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    const charset = charsetOf(req.headers['content-type']);
    if (charset && charset !== 'utf-8' && charset !== 'utf8') return done(errors.unsupportedMediaType(`${req.headers['content-type']} (JSON is UTF-8)`), undefined);
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      return done(errors.badRequest('The body is not valid UTF-8', { reason: 'encoding' }), undefined);
    }
    parseJson(req, text, done);
  });

  app.addHook('preValidation', async (req: FastifyRequest) => {
    for (const [name, value] of Object.entries(req.headers)) {
      for (const v of Array.isArray(value) ? value : [value]) {
        const p = typeof v === 'string' ? badText(v) : null;
        if (p) throw errors.validation(`header ${name} ${p}`, { field: `headers.${name}` });
      }
    }
    const schema = req.routeOptions.schema;
    for (const [part, values, partSchema] of [['querystring', req.query, schema?.querystring], ['params', req.params, schema?.params]] as const) {
      for (const [name, value] of Object.entries((values ?? {}) as Record<string, unknown>)) {
        for (const v of Array.isArray(value) ? value : [value]) {
          if (typeof v !== 'string') continue;
          const p = badText(v);
          if (p) throw errors.validation(`${part}.${name} ${p}`, { field: `${part}.${name}` });
          // the validator coerces "1e309" to Infinity and "1e20" to an integer no column holds
          const type = declaredType(partSchema, name);
          const n = Number(v);
          if ((type === 'integer' || type === 'number') && v.trim() !== '' && !Number.isNaN(n)
            && (!Number.isFinite(n) || (type === 'integer' && !Number.isSafeInteger(Math.trunc(n))))) {
            throw errors.validation(`${part}.${name} is out of range`, { field: `${part}.${name}` });
          }
        }
      }
    }
    if (req.body !== undefined && typeof req.body === 'object') {
      const bad = firstBadValue(req.body);
      if (bad) throw errors.validation(`${bad.path} ${bad.problem}`, { field: bad.path });
    } else if (typeof req.body === 'string') {
      const p = badText(req.body);
      if (p) throw errors.validation(`body ${p}`, { field: 'body' });
    }
  });
}
