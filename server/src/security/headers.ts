import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * The console's Content-Security-Policy: scripts, styles and data only from this origin.
 * Ant Design writes its theme variables at run time (CSS-in-JS; its component styles come as a
 * built style sheet, antd/dist/antd.css) and index.html has one inline <style>,
 * so styles allow 'unsafe-inline'; scripts never do. Images may be data: URIs (favicon, icons).
 * `frame-ancestors 'none'` (with X-Frame-Options for old browsers): no clickjacking frames.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** API answers are data, never documents: nothing may load or frame them. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * Security headers on every answer (issue 9): CSP, nosniff, no framing, no referrer, HSTS when
 * the cookies are Secure (the server is behind HTTPS), and `no-store` on API answers, which
 * carry personal data that shared caches and the browser's disk cache must not keep.
 */
export function installSecurityHeaders(app: FastifyInstance, opts: { hsts: boolean }): void {
  app.addHook('onSend', async (req, reply, payload) => {
    applySecurityHeaders(reply, req.url, opts.hsts);
    return payload;
  });
}

/** Sets the headers on one answer; also used where Fastify answers before any hook runs (http/error-handler.ts). */
export function applySecurityHeaders(reply: FastifyReply, url: string, hsts: boolean): void {
  const path = url.split('?')[0];
  const api = path.startsWith('/api/') || path.startsWith('/tmf-api/');
  reply.header('content-security-policy', api ? API_CSP : CONSOLE_CSP);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('x-frame-options', 'DENY');
  reply.header('referrer-policy', 'no-referrer');
  reply.header('cross-origin-opener-policy', 'same-origin');
  reply.header('cross-origin-resource-policy', 'same-origin');
  reply.header('permissions-policy', 'camera=(), microphone=(), payment=()');
  if (hsts) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
  if (api && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
  reply.removeHeader('x-powered-by');
}
