import { Type } from 'typebox';

const Bound = (what: string) => Type.Optional(Type.String({ minLength: 7, maxLength: 40, description: `${what}: YYYY-MM, YYYY-MM-DD or an ISO 8601 local midnight; the period is [from, to)` }));

/** Filters shared by the KPI query, its export and scorecards (DESIGN §11). */
export const KpiQueryString = Type.Object({
  from: Bound('first day'),
  to: Bound('day after the last'),
  region: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  network: Type.Optional(Type.String({ minLength: 1, maxLength: 8 })),
  department: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  groupBy: Type.Optional(Type.String({ maxLength: 100, description: 'comma-separated: region, network, department, month, day' })),
});

export const KpiExportQuery = Type.Object({
  ...KpiQueryString.properties,
  format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { default: 'csv' })),
});

export const BacklogQuery = Type.Object({
  region: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  network: Type.Optional(Type.String({ minLength: 1, maxLength: 8 })),
  department: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  groupBy: Type.Optional(Type.String({ maxLength: 100, description: 'comma-separated: region, network, department' })),
});

export const TargetsQuery = Type.Object({ region: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) });

export const TargetsBody = Type.Object({
  targets: Type.Array(Type.Object({
    kpi: Type.String({ minLength: 1, maxLength: 40 }),
    region: Type.String({ minLength: 1, maxLength: 64, description: 'a region id, or * for every region without its own target' }),
    value: Type.Union([Type.Number({ minimum: 0, maximum: 1e9 }), Type.Null()], { description: 'null removes the target' }),
  }, { additionalProperties: false }), { minItems: 1, maxItems: 500 }),
}, { additionalProperties: false });

export const WeightsBody = Type.Object({
  weights: Type.Array(Type.Object({
    kpi: Type.String({ minLength: 1, maxLength: 40 }),
    points: Type.Union([Type.Number({ minimum: 0, maximum: 1000 }), Type.Null()], { description: 'null removes the KPI from scorecards' }),
  }, { additionalProperties: false }), { minItems: 1, maxItems: 50 }),
}, { additionalProperties: false });

export const ScorecardQuery = Type.Object({
  from: Bound('first day'),
  to: Bound('day after the last'),
  region: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  by: Type.Optional(Type.Union([Type.Literal('region'), Type.Literal('department')], { default: 'region' })),
});

export const MonthlyReportQuery = Type.Object({
  month: Type.String({ pattern: '^\\d{4}-\\d{2}$', description: 'YYYY-MM' }),
  region: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
});
