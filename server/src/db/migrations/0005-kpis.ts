import { sql, type CreateTableBuilder } from 'kysely';
import type { Migration } from './helpers.ts';
import { index } from './helpers.ts';

const COUNTER_COLUMNS = [
  'tickets', 'complaints', 'repeats', 'resolved_at_intake', 'regulator', 'closed', 'solved',
  'follow_ups', 'responded', 'score_sum', 'tens',
  'triage_met', 'triage_breached', 'initial_reply_met', 'initial_reply_breached', 'resolution_met', 'resolution_breached',
  'commitment_met', 'commitment_breached', 'follow_up_met', 'follow_up_breached',
];

/** KPI aggregates kept by the ticket hook, per-ticket contributions, targets and scorecard weights (issue 5). */
export const kpis: Migration = {
  name: '0005-kpis',
  async up(db, engine) {
    // SQLite: store the aggregate rows in their primary-key order, so a range of days is read from
    // consecutive pages rather than one table lookup per index entry
    const clustered = <T extends string>(tb: CreateTableBuilder<T, any>) => (engine === 'sqlite' ? tb.modifyEnd(sql`without rowid`) : tb);
    // counters per day: department '' = every ticket; a department id = tickets ever forwarded to it (§7)
    let day = db.schema.createTable('kpi_day')
      .addColumn('department_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('day', 'integer', (c) => c.notNull())
      .addColumn('region_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('network', 'varchar(8)', (c) => c.notNull())
      .addColumn('shard', 'integer', (c) => c.notNull());
    for (const col of COUNTER_COLUMNS) day = day.addColumn(col, 'bigint', (c) => c.notNull().defaultTo(0));
    // the primary key is the read path: one department key, a range of days
    await clustered(day.addPrimaryKeyConstraint('kpi_day_pk', ['department_id', 'day', 'region_id', 'network', 'shard'])).execute();

    // handling-time histograms by stop day and stop month, one row per clock and group with its
    // buckets as JSON: a province month by city and network reads a few hundred rows
    for (const period of ['day', 'month'] as const) {
      await clustered(db.schema.createTable(`kpi_duration_${period}`)
        .addColumn('department_id', 'varchar(64)', (c) => c.notNull())
        .addColumn(period, 'integer', (c) => c.notNull())
        .addColumn('region_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('network', 'varchar(8)', (c) => c.notNull())
        .addColumn('clock', 'varchar(16)', (c) => c.notNull())
        .addColumn('count', 'bigint', (c) => c.notNull())
        .addColumn('sum_ms', 'bigint', (c) => c.notNull())
        .addColumn('buckets', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint(`kpi_duration_${period}_pk`, ['department_id', period, 'region_id', 'network', 'clock']))
        .execute();
    }

    await clustered(db.schema.createTable('kpi_ticket')
      .addColumn('ticket_id', 'bigint', (c) => c.primaryKey())
      .addColumn('facts', 'text', (c) => c.notNull()))
      .execute();

    await db.schema.createTable('kpi_target')
      .addColumn('kpi', 'varchar(40)', (c) => c.notNull())
      .addColumn('region_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('value', 'double precision', (c) => c.notNull())
      .addColumn('updated_by', 'varchar(128)', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('kpi_target_pk', ['kpi', 'region_id'])
      .execute();
    await db.schema.createTable('kpi_weight')
      .addColumn('kpi', 'varchar(40)', (c) => c.primaryKey())
      .addColumn('points', 'double precision', (c) => c.notNull())
      .addColumn('updated_by', 'varchar(128)', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    // defaults (DESIGN §7, issue 5); data of this migration, never edited: admins change them through the API
    const seed = { updated_by: 'system:migration', updated_at: 0 };
    await db.insertInto('kpi_target').values([
      { kpi: 'onTimeReplyRate', region_id: '*', value: 0.95, ...seed },
      { kpi: 'commitmentComplianceRate', region_id: '*', value: 0.95, ...seed },
      { kpi: 'complaintRatePer10k', region_id: '*', value: 1.6, ...seed },
      { kpi: 'resolutionRate', region_id: '*', value: 0.9, ...seed },
    ]).execute();
    await db.insertInto('kpi_weight').values([
      { kpi: 'complaintRatePer10k', points: 4, ...seed },
      { kpi: 'commitmentComplianceRate', points: 5, ...seed },
    ]).execute();

    // backlog (§7): open tickets by report time, covering the columns the backlog groups by
    await index(db, 'ticket', ['reported_at', 'region_id', 'network', 'next_due_at', 'clock_state', 'reported_day'], {
      where: "status <> 'closed'", name: 'ticket_open_backlog_idx',
    });
  },
};
