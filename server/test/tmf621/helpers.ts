import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../helpers/app.ts';

const addFormats = addFormatsImport as unknown as (ajv: Ajv) => Ajv;

export const BASE = '/tmf-api/troubleTicket/v4';
const SPEC_PATH = new URL('./TMF621-TroubleTicket-v4.0.0.swagger.json', import.meta.url);

/**
 * Validators for the v4 specification's definitions, with their $refs. Strict: the objects netcare
 * emits may carry no attribute the specification does not define (additionalProperties false on
 * the resource and its parts), so a stray field fails the test.
 */
export function specValidators() {
  const spec = JSON.parse(readFileSync(SPEC_PATH, 'utf8'));
  const defs = structuredClone(spec.definitions) as Record<string, any>;
  for (const name of ['TroubleTicket', 'Note', 'RelatedParty', 'RelatedEntity', 'ChannelRef', 'StatusChange', 'Error',
    'TroubleTicketCreateEvent', 'TroubleTicketAttributeValueChangeEvent', 'TroubleTicketStatusChangeEvent', 'TroubleTicketResolvedEvent',
    'TroubleTicketInformationRequiredEvent', 'TroubleTicketDeleteEvent']) defs[name].additionalProperties = false;
  const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  ajv.addFormat('float', true);
  const cache = new Map<string, ValidateFunction>();
  const compile = (name: string) => {
    let v = cache.get(name);
    if (!v) {
      v = ajv.compile({ $ref: `#/definitions/${name}`, definitions: defs });
      cache.set(name, v);
    }
    return v;
  };
  /** Throws with the schema errors unless `value` is a valid `name`. */
  const check = (name: string, value: unknown) => {
    const v = compile(name);
    if (!v(value)) throw new Error(`not a valid ${name}: ${ajv.errorsText(v.errors)}\n${JSON.stringify(value, null, 1).slice(0, 2000)}`);
    return value;
  };
  return { check, spec };
}

/** Creates an API key through the admin API; returns the bearer key. */
export async function apiKey(t: TestApp, name: string, role: string, region: string): Promise<string> {
  const r = await t.as('admin', { method: 'POST', url: '/api/v1/api-keys', payload: { name, role, region } });
  if (r.statusCode !== 201) throw new Error(`api key ${name}: ${r.statusCode} ${r.body}`);
  return r.json().key as string;
}

/** A request with a bearer key (or none). */
export function withKey(t: TestApp, key: string | null, opts: { method: string; url: string; payload?: unknown; headers?: Record<string, string> }): Promise<LightMyRequestResponse> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (key) headers.authorization = `Bearer ${key}`;
  return t.app.inject({ method: opts.method as any, url: opts.url, payload: opts.payload as any, headers });
}

/** A minimal valid create body; `over` replaces attributes. */
export const ttBody = (over: Record<string, unknown> = {}) => ({
  description: '客户反映家中信号差，通话经常中断',
  severity: 'Major',
  ticketType: 'service.store',
  relatedParty: [{ id: '13812345678', name: '王小明', role: 'customer', '@referredType': 'Individual' }],
  ...over,
});

export interface Received {
  raw: string;
  body: any;
  headers: IncomingHttpHeaders;
}

/**
 * A real HTTP listener on loopback (port 0). `respond` decides each answer's status (default
 * 201); every request is recorded, successful or not.
 */
export async function listener(respond: (r: Received, n: number) => number | Promise<number> = () => 201) {
  const all: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: any = null;
      try { body = JSON.parse(raw); } catch { /* kept raw */ }
      const r = { raw, body, headers: req.headers };
      all.push(r);
      const status = await respond(r, all.length);
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/events`,
    all,
    /** requests answered 2xx… as recorded (the listener's own bookkeeping is in `all`) */
    close: () => new Promise<void>((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
  };
}
