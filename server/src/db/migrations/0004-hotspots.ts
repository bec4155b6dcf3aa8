import type { Migration } from './helpers.ts';
import { index, withId } from './helpers.ts';

/** Hotspot groups with their cells and thresholds; problem-record history and merge links (issue 4, DESIGN §4, §6). */
export const hotspots: Migration = {
  name: '0004-hotspots',
  async up(db, engine) {
    // §4: "Thresholds (6, 60 min) are settings" — one row, edited by admins
    await db.schema.createTable('hotspot_setting')
      .addColumn('id', 'varchar(16)', (c) => c.primaryKey())
      .addColumn('min_complaints', 'integer', (c) => c.notNull())
      .addColumn('window_ms', 'bigint', (c) => c.notNull())
      .addColumn('updated_by', 'varchar(128)')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.insertInto('hotspot_setting').values({ id: 'default', min_complaints: 6, window_ms: 60 * 60_000, updated_by: null, updated_at: 0 }).execute();

    // one hotspot group; members are the tickets whose hotspot_id points here
    await withId(db.schema.createTable('hotspot'), engine)
      .addColumn('category_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('region_id', 'varchar(64)', (c) => c.notNull())
      // open | closed (its problem record closed) | merged (into merged_into_id, §4: the oldest id survives)
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('first_reported_at', 'bigint', (c) => c.notNull())
      .addColumn('last_reported_at', 'bigint', (c) => c.notNull())
      .addColumn('ticket_count', 'integer', (c) => c.notNull())
      .addColumn('problem_id', 'bigint')
      .addColumn('merged_into_id', 'bigint')
      .addColumn('opened_at', 'bigint', (c) => c.notNull())
      .addColumn('closed_at', 'bigint')
      .addColumn('merged_at', 'bigint')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await index(db, 'hotspot', ['region_id', 'id']);
    await index(db, 'hotspot', ['status', 'id']);
    await index(db, 'hotspot', ['last_reported_at']);
    await index(db, 'hotspot', ['problem_id']);

    // the cells of a group with its member count there: the map, scope, and the intake lookup by cell
    await db.schema.createTable('hotspot_cell')
      .addColumn('hotspot_id', 'bigint', (c) => c.notNull().references('hotspot.id'))
      .addColumn('cell_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('region_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('ticket_count', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('hotspot_cell_pk', ['hotspot_id', 'cell_id'])
      .execute();
    await index(db, 'hotspot_cell', ['cell_id', 'hotspot_id']);
    await index(db, 'hotspot_cell', ['region_id', 'hotspot_id']);

    // problem records (§6): a merged hotspot's problem points at the survivor's; who closed it
    await db.schema.alterTable('problem').addColumn('merged_into_id', 'bigint').execute();
    await db.schema.alterTable('problem').addColumn('closed_by', 'varchar(128)').execute();
    await index(db, 'problem', ['region_id', 'id']);
    await index(db, 'problem', ['status', 'id']);
    await db.schema.alterTable('problem_ticket').addColumn('linked_at', 'bigint').execute();
    await db.schema.alterTable('problem_ticket').addColumn('linked_by', 'varchar(128)').execute();

    // a problem's history: created, changed, tickets linked, closed, merged — appended, never edited
    await withId(db.schema.createTable('problem_event'), engine)
      .addColumn('problem_id', 'bigint', (c) => c.notNull().references('problem.id'))
      .addColumn('type', 'varchar(32)', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor', 'varchar(128)', (c) => c.notNull())
      .addColumn('actor_role', 'varchar(32)', (c) => c.notNull())
      .addColumn('data', 'text')
      .execute();
    await index(db, 'problem_event', ['problem_id', 'id']);
  },
};
