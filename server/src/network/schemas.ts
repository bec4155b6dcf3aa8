import { Type } from 'typebox';
import { NETWORKS } from '../shared/network.ts';
import { PageQuery } from '../http/pagination.ts';

/** Kinds of network issue (DESIGN §2). */
export const ISSUE_KINDS = ['outage', 'degradation', 'planned_work', 'construction_plan', 'no_investment', 'coverage_gap'] as const;
export type IssueKind = (typeof ISSUE_KINDS)[number];
export const ISSUE_STATUSES = ['open', 'closed'] as const;
export type IssueStatus = (typeof ISSUE_STATUSES)[number];

/** Limits shared by the API and the console forms. */
export const NETWORK_LIMITS = {
  titleMax: 200,
  explanationMax: 4000,
  cellsPerIssueMax: 5000,
  /** a circle's radius in metres: an issue area, not a province */
  radiusMinM: 10,
  radiusMaxM: 50_000,
  neighboursPerCellMax: 512,
} as const;

const Nullable = <T extends object>(t: T) => Type.Union([t as any, Type.Null()]);
const lit = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));

export const CellIdText = Type.String({ minLength: 1, maxLength: 64 });
const RegionIdText = Type.String({ minLength: 1, maxLength: 64 });
const IsoTime = Type.String({ minLength: 10, maxLength: 40, description: 'ISO 8601 with offset, e.g. 2026-03-07T17:00:00+08:00' });

/** An import body per content type: a JSON array of rows, or CSV text (Fastify picks the schema by Content-Type). */
function importBody(row: object, csvDescription: string) {
  const csv = { schema: Type.String({ description: csvDescription }) };
  return { content: { 'application/json': { schema: Type.Array(row as any) }, 'text/csv': csv, 'application/csv': csv } };
}

/**
 * One cell of an import. Types are checked for the whole request; values (region, network,
 * coordinates, neighbours) are checked per row so one bad row is rejected alone.
 */
export const CellImportRow = Type.Object({
  cellId: CellIdText,
  siteId: Type.String({ minLength: 1, maxLength: 64 }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  region: RegionIdText,
  network: Type.String({ maxLength: 16 }),
  lon: Type.Number(),
  lat: Type.Number(),
  neighbours: Type.Optional(Type.Array(CellIdText, { maxItems: NETWORK_LIMITS.neighboursPerCellMax })),
}, { additionalProperties: false });

/** `text/csv` (header cellId,siteId,name,region,network,lon,lat,neighbours; neighbours `;`-separated) or a JSON array. */
export const CellImportBody = importBody(CellImportRow, 'CSV with header cellId,siteId,name,region,network,lon,lat,neighbours');

export const SubscriberImportRow = Type.Object({
  region: RegionIdText,
  network: Type.String({ maxLength: 16 }),
  month: Type.String({ maxLength: 16, description: 'YYYY-MM' }),
  count: Type.Number(),
}, { additionalProperties: false });

/** `text/csv` (header region,network,month,count) or a JSON array. */
export const SubscriberImportBody = importBody(SubscriberImportRow, 'CSV with header region,network,month,count');

export const Circle = Type.Object({
  lon: Type.Number({ minimum: -180, maximum: 180 }),
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  radiusM: Type.Number({ minimum: NETWORK_LIMITS.radiusMinM, maximum: NETWORK_LIMITS.radiusMaxM }),
}, { additionalProperties: false });

const PlannedDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const Cells = Type.Array(CellIdText, { minItems: 1, maxItems: NETWORK_LIMITS.cellsPerIssueMax });

export const IssueBody = Type.Object({
  kind: lit(ISSUE_KINDS),
  title: Type.String({ minLength: 1, maxLength: NETWORK_LIMITS.titleMax }),
  explanation: Type.String({ minLength: 1, maxLength: NETWORK_LIMITS.explanationMax, description: '解释口径: what agents read out' }),
  region: Type.Optional(RegionIdText),
  cells: Type.Optional(Cells),
  circle: Type.Optional(Circle),
  startsAt: IsoTime,
  endsAt: Type.Optional(Nullable(IsoTime)),
  plannedDate: Type.Optional(Nullable(PlannedDate)),
}, { additionalProperties: false });

export const IssuePatchBody = Type.Object({
  kind: Type.Optional(lit(ISSUE_KINDS)),
  title: Type.Optional(Type.String({ minLength: 1, maxLength: NETWORK_LIMITS.titleMax })),
  explanation: Type.Optional(Type.String({ minLength: 1, maxLength: NETWORK_LIMITS.explanationMax })),
  cells: Type.Optional(Nullable(Cells)),
  circle: Type.Optional(Nullable(Circle)),
  startsAt: Type.Optional(IsoTime),
  endsAt: Type.Optional(Nullable(IsoTime)),
  plannedDate: Type.Optional(Nullable(PlannedDate)),
}, { additionalProperties: false, minProperties: 1 });

export const IssueListQuery = Type.Object({
  ...PageQuery,
  status: Type.Optional(lit(ISSUE_STATUSES)),
  kind: Type.Optional(lit(ISSUE_KINDS)),
  region: Type.Optional(RegionIdText),
  cellId: Type.Optional(CellIdText),
}, { additionalProperties: false });

export const LookupQuery = Type.Object({
  cellId: Type.Optional(CellIdText),
  lon: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
  lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
  at: Type.Optional(IsoTime),
  category: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
}, { additionalProperties: false });

export const CellListQuery = Type.Object({
  ...PageQuery,
  region: Type.Optional(RegionIdText),
  siteId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  network: Type.Optional(lit(NETWORKS)),
}, { additionalProperties: false });

export const IssueIdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) }, { additionalProperties: false });
export const CellIdParams = Type.Object({ id: CellIdText }, { additionalProperties: false });
