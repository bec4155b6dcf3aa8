import { tmfError } from './errors.ts';

/** First-level attributes of TroubleTicket (TMF621 v4). */
export const TT_ATTRIBUTES = [
  'id', 'href', 'creationDate', 'description', 'expectedResolutionDate', 'externalId', 'lastUpdate', 'name', 'priority',
  'requestedResolutionDate', 'resolutionDate', 'severity', 'statusChangeDate', 'statusChangeReason', 'ticketType', 'attachment',
  'channel', 'note', 'relatedEntity', 'relatedParty', 'status', 'statusChange', 'troubleTicketRelationship',
  '@baseType', '@schemaLocation', '@type',
] as const;
const KNOWN = new Set<string>(TT_ATTRIBUTES);
export const isTtAttribute = (name: string) => KNOWN.has(name);

/**
 * Parses `fields=a,b,c` (TMF630 attribute selection): first-level attribute names, or `none`
 * for id and href only. Unknown names are a 400, so a typo does not silently return less.
 */
export function parseFields(text: string | undefined): Set<string> | null {
  if (text === undefined) return null;
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (names.length === 0) throw tmfError(400, 'bad_request', 'fields is empty', 'list attribute names separated by commas, e.g. fields=status,severity');
  if (names.length === 1 && names[0] === 'none') return new Set();
  const bad = names.filter((n) => !KNOWN.has(n));
  if (bad.length) throw tmfError(400, 'bad_request', `fields names unknown attributes: ${bad.join(', ')}`, `attributes of TroubleTicket: ${TT_ATTRIBUTES.join(', ')}`);
  return new Set(names);
}

/** Keeps exactly the selected attributes, plus id and href which are always present. */
export function selectFields(tt: Record<string, unknown>, fields: Set<string> | null): Record<string, unknown> {
  if (!fields) return tt;
  const out: Record<string, unknown> = { id: tt.id, href: tt.href };
  for (const f of fields) if (tt[f] !== undefined) out[f] = tt[f];
  return out;
}
