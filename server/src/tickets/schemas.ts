import { Type } from 'typebox';
import { NETWORKS } from '../shared/network.ts';
import { STEP_TYPES } from './workflow.ts';
import { CLOCK_NAMES, GRADES } from '../clocks/plan-clock.ts';

/** Shared limits (DESIGN §11): the console's forms refuse the same input. */
export const LIMITS = { descriptionMax: 4000, textMax: 4000, addressMax: 500, nameMax: 100 };

export const CHANNELS = ['hotline', 'web', 'app', 'store', 'social', 'email', 'api', 'regulator'] as const;

const lit = <T extends readonly string[]>(xs: T) => Type.Union(xs.map((x) => Type.Literal(x)));
const IsoTime = Type.String({ minLength: 16, maxLength: 40, description: 'ISO 8601 with offset' });

export const IntakeBody = Type.Object({
  channel: lit(CHANNELS),
  customer: Type.Object({
    msisdn: Type.String({ minLength: 5, maxLength: 24, description: '5–15 digits, optional leading +' }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.nameMax })),
    vip: Type.Optional(Type.Boolean()),
  }, { additionalProperties: false }),
  category: Type.String({ minLength: 1, maxLength: 64 }),
  network: Type.Optional(lit(NETWORKS)),
  cellId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  location: Type.Optional(Type.Object({ lon: Type.Number({ minimum: -180, maximum: 180 }), lat: Type.Number({ minimum: -90, maximum: 90 }) }, { additionalProperties: false })),
  address: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.addressMax })),
  region: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  reportedAt: Type.Optional(IsoTime),
  description: Type.String({ minLength: 1, maxLength: LIMITS.descriptionMax }),
  commitmentHours: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 24 * 90 })),
  externalId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
}, { additionalProperties: false });

export const EventBody = Type.Object({
  type: lit(STEP_TYPES),
  text: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.textMax })),
  networkIssueId: Type.Optional(Type.Integer({ minimum: 1 })),
  department: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  grade: Type.Optional(lit(GRADES)),
  reason: Type.Optional(Type.String({ minLength: 1, maxLength: LIMITS.textMax })),
  to: Type.Optional(lit(['expert', 'supervisor', 'province'] as const)),
  kind: Type.Optional(lit(['initial', 'progress', 'final'] as const)),
  resolution: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  responded: Type.Optional(Type.Boolean()),
  score: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })),
  comment: Type.Optional(Type.String({ maxLength: LIMITS.textMax })),
  at: Type.Optional(IsoTime),
}, { additionalProperties: false });

export const ListQuery = Type.Object({
  status: Type.Optional(Type.String({ maxLength: 100, description: 'one status or several, comma-separated; `open` for all open ones' })),
  region: Type.Optional(Type.String({ maxLength: 64 })),
  department: Type.Optional(Type.String({ maxLength: 64 })),
  grade: Type.Optional(lit(GRADES)),
  clock: Type.Optional(lit(['warned', 'breached'] as const)),
  externalId: Type.Optional(Type.String({ maxLength: 128 })),
  q: Type.Optional(Type.String({ maxLength: 64, description: 'ticket id or phone number' })),
  category: Type.Optional(Type.String({ maxLength: 64 })),
  hotspot: Type.Optional(Type.Integer({ minimum: 1 })),
  order: Type.Optional(lit(['due', 'newest'] as const)),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
});

export { CLOCK_NAMES };
