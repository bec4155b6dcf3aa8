import { maskMsisdn } from '../pii/phone.ts';

/**
 * Phone numbers never reach the logs in clear (issue 9). Request bodies are not logged, but
 * URLs are, and a search by phone (`GET /api/v1/tickets?q=13812345678`, TMF621 filters) puts
 * the number in the query string. The query string has every run of 7 or more digits masked
 * like a phone number; the path only phone-length runs (11–15 digits, or a leading +), so
 * ticket ids in paths stay readable.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? '' : url.slice(q);
  const maskRun = (m: string) => {
    const plus = m.startsWith('+') || m.startsWith('%2B') ? (m.startsWith('+') ? '+' : '%2B') : '';
    return plus + maskMsisdn(m.slice(plus.length));
  };
  return path.replace(/(?<!\d)(\+|%2B)?\d{11,15}(?!\d)/gi, maskRun).replace(/(\+|%2B)\d{7,10}(?!\d)/gi, maskRun)
    + query.replace(/(\+|%2B)?\d{7,}/gi, maskRun);
}

/** Fastify's request serializer with the URL redacted. */
function req(request: { method: string; url: string; host?: string; ip?: string; headers?: Record<string, unknown>; socket?: { remotePort?: number } }) {
  return {
    method: request.method,
    url: redactUrl(request.url),
    version: request.headers?.['accept-version'],
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** Adds the redacting serializer to Fastify's logger options (`true` or an options object). */
export function withLogRedaction<T>(logger: T): T | object {
  if (!logger) return logger;
  const base = logger === true ? {} : (logger as Record<string, any>);
  return { ...base, serializers: { ...(base.serializers ?? {}), req } };
}
