import { Type, type Static } from 'typebox';

const Str = (max: number) => Type.String({ minLength: 1, maxLength: max });
const DateTime = Type.String({ format: 'date-time', maxLength: 40, description: 'RFC 3339 with offset' });
/** The `@type`-style and href attributes every TMF reference may carry. */
const RefExtras = {
  href: Type.Optional(Type.String({ maxLength: 500 })),
  '@type': Type.Optional(Type.String({ maxLength: 100 })),
  '@baseType': Type.Optional(Type.String({ maxLength: 100 })),
  '@schemaLocation': Type.Optional(Type.String({ maxLength: 500 })),
  '@referredType': Type.Optional(Type.String({ maxLength: 100 })),
};

export const RelatedPartyIn = Type.Object({
  id: Str(128),
  name: Type.Optional(Type.String({ maxLength: 100 })),
  role: Type.Optional(Type.String({ maxLength: 64 })),
  ...RefExtras,
}, { additionalProperties: false });
export const RelatedEntityIn = Type.Object({
  id: Str(500),
  name: Type.Optional(Type.String({ maxLength: 500 })),
  role: Type.Optional(Type.String({ maxLength: 64 })),
  ...RefExtras,
}, { additionalProperties: false });
export const ChannelIn = Type.Object({ id: Type.Optional(Str(32)), name: Type.Optional(Str(32)), ...RefExtras }, { additionalProperties: false });
export const NoteIn = Type.Object({
  id: Type.Optional(Type.String({ maxLength: 40 })),
  text: Type.Optional(Type.String({ maxLength: 4000 })),
  author: Type.Optional(Type.String({ maxLength: 128 })),
  date: Type.Optional(Type.String({ maxLength: 40 })),
  '@type': Type.Optional(Type.String({ maxLength: 100 })),
  '@baseType': Type.Optional(Type.String({ maxLength: 100 })),
  '@schemaLocation': Type.Optional(Type.String({ maxLength: 500 })),
}, { additionalProperties: false });

/**
 * TroubleTicket_Create as netcare takes it: the mandatory description, severity and ticketType;
 * the attributes netcare maps; server-owned ones (id, href, status, statusChange, priority,
 * lastUpdate, resolutionDate…) are accepted and ignored. Unknown attributes are refused.
 */
export const TroubleTicketCreate = Type.Object({
  description: Str(4000),
  severity: Str(64),
  ticketType: Str(128),
  name: Type.Optional(Str(200)),
  externalId: Type.Optional(Str(128)),
  channel: Type.Optional(ChannelIn),
  relatedParty: Type.Optional(Type.Array(RelatedPartyIn, { maxItems: 20 })),
  relatedEntity: Type.Optional(Type.Array(RelatedEntityIn, { maxItems: 20 })),
  note: Type.Optional(Type.Array(NoteIn, { maxItems: 50 })),
  creationDate: Type.Optional(DateTime),
  expectedResolutionDate: Type.Optional(DateTime),
  requestedResolutionDate: Type.Optional(DateTime),
  // not supported: refused unless empty (create.ts says so by name)
  attachment: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 50 })),
  troubleTicketRelationship: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 50 })),
  // owned by the server: ignored on create
  id: Type.Optional(Type.Unknown()),
  href: Type.Optional(Type.Unknown()),
  status: Type.Optional(Type.Unknown()),
  statusChange: Type.Optional(Type.Unknown()),
  statusChangeDate: Type.Optional(Type.Unknown()),
  statusChangeReason: Type.Optional(Type.Unknown()),
  priority: Type.Optional(Type.Unknown()),
  lastUpdate: Type.Optional(Type.Unknown()),
  resolutionDate: Type.Optional(Type.Unknown()),
  '@type': Type.Optional(Type.Unknown()),
  '@baseType': Type.Optional(Type.Unknown()),
  '@schemaLocation': Type.Optional(Type.Unknown()),
}, { additionalProperties: false });
export type TroubleTicketCreateBody = Static<typeof TroubleTicketCreate>;

/** A JSON Merge Patch document: an object; attribute rules are checked by the operation (patch.ts). */
export const TroubleTicketPatch = Type.Object({}, {
  additionalProperties: true,
  description: 'JSON Merge Patch (RFC 7386) of TroubleTicket_Update: description, name, severity, externalId, requestedResolutionDate, status (+ statusChangeReason), note (new notes)',
});

export const HubSubscribe = Type.Object({
  callback: Type.String({ minLength: 1, maxLength: 2000 }),
  query: Type.Optional(Type.Union([Type.String({ maxLength: 1000 }), Type.Null()])),
}, { additionalProperties: false });

export const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 40 }) });
