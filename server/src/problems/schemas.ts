import { Type } from 'typebox';
import { PageQuery } from '../http/pagination.ts';

/** Limits the console's forms share with the API. */
export const PROBLEM_LIMITS = { titleMax: 300, textMax: 4000, ticketsPerRequest: 500 };

const Text = Type.String({ minLength: 1, maxLength: PROBLEM_LIMITS.textMax });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const DueDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const TicketIds = Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: PROBLEM_LIMITS.ticketsPerRequest });

export const ProblemIdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const CreateBody = Type.Object({
  title: Type.String({ minLength: 1, maxLength: PROBLEM_LIMITS.titleMax }),
  region: Type.String({ minLength: 1, maxLength: 64 }),
  category: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  ownerDepartment: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  rootCause: Type.Optional(Text),
  action: Type.Optional(Text),
  dueDate: Type.Optional(DueDate),
  ticketIds: Type.Optional(TicketIds),
}, { additionalProperties: false });

export const PatchBody = Type.Object({
  title: Type.Optional(Type.String({ minLength: 1, maxLength: PROBLEM_LIMITS.titleMax })),
  ownerDepartment: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64 }))),
  rootCause: Type.Optional(Nullable(Text)),
  action: Type.Optional(Nullable(Text)),
  dueDate: Type.Optional(Nullable(DueDate)),
  status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('in_progress'), Type.Literal('closed')])),
}, { additionalProperties: false, minProperties: 1 });

export const LinkBody = Type.Object({ ticketIds: TicketIds }, { additionalProperties: false });

export const CloseBody = Type.Object({
  rootCause: Type.Optional(Text),
  action: Type.Optional(Text),
  finalReply: Type.Optional(Type.Object({
    text: Text,
    resolution: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
  }, { additionalProperties: false })),
}, { additionalProperties: false });

export const ListQuery = Type.Object({
  status: Type.Optional(Type.String({ maxLength: 60, description: 'open, in_progress, closed, merged (comma-separated), or `active` (open and in progress)' })),
  region: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  category: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  ownerDepartment: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  hotspot: Type.Optional(Type.Integer({ minimum: 1 })),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'problem id, or words of the title' })),
  ...PageQuery,
});
