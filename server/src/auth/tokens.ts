import { createHash, randomBytes } from 'node:crypto';

/** Session tokens and API keys are random; only their SHA-256 is stored. */
export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export const SESSION_PREFIX = 'ncs_';
export const API_KEY_PREFIX = 'nck_';

export const newSessionToken = (): string => SESSION_PREFIX + randomBytes(32).toString('base64url');
export const newApiKey = (): string => API_KEY_PREFIX + randomBytes(32).toString('base64url');

/** Session lifetime: one working day and a bit. */
export const SESSION_TTL_MS = 12 * 3600 * 1000;
