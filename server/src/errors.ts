/** A caller-facing error: HTTP status, stable machine code, human message, optional details. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** The one catalogue of errors the API answers with. */
export const errors = {
  badRequest: (message: string, details?: unknown) => new AppError(400, 'bad_request', message, details),
  validation: (message: string, details?: unknown) => new AppError(400, 'validation_failed', message, details),
  unauthenticated: (message = 'Sign in first: send a session cookie or an Authorization: Bearer token') =>
    new AppError(401, 'unauthenticated', message),
  badCredentials: () => new AppError(401, 'bad_credentials', 'Wrong username or password'),
  locked: (untilMs: number) =>
    new AppError(423, 'account_locked', 'Too many failed sign-ins; the account is locked for a while', { lockedUntil: new Date(untilMs).toISOString() }),
  forbidden: (message: string, details?: unknown) => new AppError(403, 'forbidden', message, details),
  roleNotAllowed: (role: string, action: string) =>
    new AppError(403, 'role_not_allowed', `Role ${role} may not ${action}`, { role, action }),
  notFound: (what: string, id: string | number) => new AppError(404, 'not_found', `${what} ${id} not found`, { what, id: String(id) }),
  conflict: (message: string, details?: unknown) => new AppError(409, 'conflict', message, details),
  invalidState: (message: string, details?: unknown) => new AppError(409, 'invalid_state', message, details),
  staleVersion: (expected: string, actual: number) =>
    new AppError(409, 'stale_version', `The ticket changed since you read it (you sent version ${expected}, it is now ${actual})`, { expected, actual }),
  preconditionRequired: (message: string) => new AppError(428, 'precondition_required', message),
  payloadTooLarge: (limit: number) => new AppError(413, 'payload_too_large', `Request body over ${limit} bytes`, { limit }),
  unsupportedMediaType: (type: string) => new AppError(415, 'unsupported_media_type', `Content-Type ${type} is not accepted here`),
  tooManyRequests: (retryAfterS: number) => new AppError(429, 'rate_limited', 'Too many requests; slow down', { retryAfterSeconds: retryAfterS }),
  unavailable: (message = 'The database is not reachable; try again shortly') => new AppError(503, 'unavailable', message),
};
