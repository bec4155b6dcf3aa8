import type { Migration } from './helpers.ts';
import { index, withId } from './helpers.ts';

/** Cells with neighbours, subscriber counts, network issues and the alarms that open them (issue 4). */
export const network: Migration = {
  name: '0002-network',
  async up(db, engine) {
    await db.schema.createTable('cell')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('site_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('name', 'varchar(200)', (c) => c.notNull())
      .addColumn('region_id', 'varchar(64)', (c) => c.notNull().references('region.id'))
      .addColumn('network', 'varchar(8)', (c) => c.notNull())
      .addColumn('lon', 'double precision', (c) => c.notNull())
      .addColumn('lat', 'double precision', (c) => c.notNull())
      .addColumn('grid_key', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await index(db, 'cell', ['region_id', 'id']);   // lists and scope
    await index(db, 'cell', ['site_id']);           // a site alarm covers every cell of the site
    await index(db, 'cell', ['grid_key']);          // nearby cells of a lon/lat (network/lookup.ts)

    // Both directions stored: neighbours of x are one primary-key range read.
    await db.schema.createTable('cell_neighbour')
      .addColumn('cell_id', 'varchar(64)', (c) => c.notNull().references('cell.id').onDelete('cascade'))
      .addColumn('neighbour_id', 'varchar(64)', (c) => c.notNull().references('cell.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('cell_neighbour_pk', ['cell_id', 'neighbour_id'])
      .execute();
    await index(db, 'cell_neighbour', ['neighbour_id']);

    await db.schema.createTable('subscriber_count')
      .addColumn('region_id', 'varchar(64)', (c) => c.notNull().references('region.id'))
      .addColumn('network', 'varchar(8)', (c) => c.notNull())
      .addColumn('month', 'varchar(7)', (c) => c.notNull())
      .addColumn('count', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('subscriber_count_pk', ['region_id', 'network', 'month'])
      .execute();
    await index(db, 'subscriber_count', ['month']);   // KPI periods across regions

    await withId(db.schema.createTable('network_issue'), engine)
      .addColumn('kind', 'varchar(32)', (c) => c.notNull())
      .addColumn('title', 'varchar(200)', (c) => c.notNull())
      .addColumn('explanation', 'text', (c) => c.notNull())
      .addColumn('region_id', 'varchar(64)', (c) => c.notNull().references('region.id'))
      .addColumn('starts_at', 'bigint', (c) => c.notNull())
      .addColumn('ends_at', 'bigint')
      .addColumn('planned_date', 'varchar(10)')
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('source', 'varchar(16)', (c) => c.notNull())
      .addColumn('external_alarm_id', 'varchar(128)', (c) => c.unique())
      .addColumn('circle_lon', 'double precision')
      .addColumn('circle_lat', 'double precision')
      .addColumn('circle_radius_m', 'double precision')
      .addColumn('created_by', 'varchar(128)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('closed_at', 'bigint')
      .execute();
    // lists: newest first, in scope, by status or kind
    await index(db, 'network_issue', ['region_id', 'id']);
    await index(db, 'network_issue', ['status', 'id']);
    await index(db, 'network_issue', ['kind', 'id']);

    // Lookup by cell: primary-key range on cell_id, then the window (network/lookup.ts).
    await db.schema.createTable('network_issue_cell')
      .addColumn('issue_id', 'bigint', (c) => c.notNull().references('network_issue.id').onDelete('cascade'))
      .addColumn('cell_id', 'varchar(64)', (c) => c.notNull().references('cell.id'))
      .addPrimaryKeyConstraint('network_issue_cell_pk', ['cell_id', 'issue_id'])
      .execute();
    await index(db, 'network_issue_cell', ['issue_id']);

    // Lookup by place: the ~0.05° squares a circle touches; the exact distance is checked in code.
    await db.schema.createTable('network_issue_grid')
      .addColumn('grid_key', 'bigint', (c) => c.notNull())
      .addColumn('issue_id', 'bigint', (c) => c.notNull().references('network_issue.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('network_issue_grid_pk', ['grid_key', 'issue_id'])
      .execute();
    await index(db, 'network_issue_grid', ['issue_id']);

    await withId(db.schema.createTable('network_alarm'), engine)
      .addColumn('external_alarm_id', 'varchar(128)', (c) => c.unique())
      .addColumn('issue_id', 'bigint', (c) => c.notNull().references('network_issue.id'))
      .addColumn('region_id', 'varchar(64)', (c) => c.notNull().references('region.id'))
      .addColumn('state', 'varchar(16)', (c) => c.notNull())
      .addColumn('perceived_severity', 'varchar(16)', (c) => c.notNull())
      .addColumn('alarm_type', 'varchar(128)', (c) => c.notNull())
      .addColumn('probable_cause', 'varchar(255)', (c) => c.notNull())
      .addColumn('specific_problem', 'varchar(255)')
      .addColumn('source_system_id', 'varchar(128)', (c) => c.notNull())
      .addColumn('alarmed_object_id', 'varchar(128)', (c) => c.notNull())
      .addColumn('alarmed_object_type', 'varchar(128)')
      .addColumn('raised_at', 'bigint', (c) => c.notNull())
      .addColumn('reported_at', 'bigint')
      .addColumn('changed_at', 'bigint', (c) => c.notNull())
      .addColumn('cleared_at', 'bigint')
      .addColumn('clear_system_id', 'varchar(128)')
      .addColumn('clear_user_id', 'varchar(128)')
      .addColumn('attributes', 'text', (c) => c.notNull())
      .addColumn('created_by', 'varchar(128)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await index(db, 'network_alarm', ['issue_id']);
    // an alarm without externalAlarmId is the same alarm as an uncleared one on the same object and cause
    await index(db, 'network_alarm', ['alarmed_object_id', 'state']);
    await index(db, 'network_alarm', ['region_id', 'id']);
  },
};
