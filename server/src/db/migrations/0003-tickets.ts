import type { Migration } from './helpers.ts';
import { index, withId } from './helpers.ts';
import { SEED_CATEGORIES } from '../../tickets/categories.ts';

/** Categories, tickets, their history, clocks, SLA policies, calendars, notifications, outbox, problems (issue 3). */
export const tickets: Migration = {
  name: '0003-tickets',
  async up(db, engine) {
    await db.schema.createTable('category')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('parent_id', 'varchar(64)')
      .addColumn('name_zh', 'varchar(200)', (c) => c.notNull())
      .addColumn('name_en', 'varchar(200)', (c) => c.notNull())
      .addColumn('is_network', 'integer', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    // the seeded ids are part of the contract (DESIGN §2); a data step of this migration, never edited
    await db.insertInto('category').values(SEED_CATEGORIES.map((c) => ({
      id: c.id, parent_id: c.parentId, name_zh: c.nameZh, name_en: c.nameEn, is_network: c.isNetwork ? 1 : 0, active: 1,
    }))).execute();

    await withId(db.schema.createTable('ticket'), engine)
      .addColumn('external_id', 'varchar(128)')
      .addColumn('channel', 'varchar(16)', (c) => c.notNull())
      // personal data: encrypted (AES-256-GCM); customer_key is the HMAC blind index for repeats and search
      .addColumn('customer_key', 'varchar(64)', (c) => c.notNull())
      .addColumn('customer_msisdn_enc', 'text', (c) => c.notNull())
      .addColumn('customer_name_enc', 'text')
      .addColumn('customer_vip', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('category_id', 'varchar(64)', (c) => c.notNull().references('category.id'))
      .addColumn('is_network', 'integer', (c) => c.notNull())
      .addColumn('network', 'varchar(8)')
      .addColumn('cell_id', 'varchar(64)')
      .addColumn('lon', 'double precision')
      .addColumn('lat', 'double precision')
      .addColumn('address', 'varchar(500)')
      .addColumn('region_id', 'varchar(64)', (c) => c.notNull().references('region.id'))
      .addColumn('reported_at', 'bigint', (c) => c.notNull())
      .addColumn('reported_day', 'integer', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('status', 'varchar(24)', (c) => c.notNull())
      .addColumn('grade', 'varchar(16)', (c) => c.notNull())
      .addColumn('grade_proposal', 'text')
      .addColumn('is_repeat', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('hotspot_id', 'bigint')
      .addColumn('noc_department_id', 'varchar(64)')
      .addColumn('assignee_department_id', 'varchar(64)')
      .addColumn('prev_department_id', 'varchar(64)')
      .addColumn('commitment_hours', 'double precision')
      .addColumn('resolution', 'varchar(32)')
      .addColumn('resolved_at_intake', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_due_at', 'bigint')
      .addColumn('clock_state', 'varchar(12)', (c) => c.notNull().defaultTo('ok'))
      .addColumn('round', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('created_by', 'varchar(128)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('closed_at', 'bigint')
      .execute();
    await index(db, 'ticket', ['external_id'], { unique: true });
    // repeats: same customer and category within 30 days (DESIGN §3, §7)
    await index(db, 'ticket', ['customer_key', 'category_id', 'reported_at']);
    // work queues: a department's open tickets by nearest due time
    await index(db, 'ticket', ['assignee_department_id', 'status', 'next_due_at', 'id']);
    await index(db, 'ticket', ['region_id', 'status', 'next_due_at', 'id']);
    await index(db, 'ticket', ['region_id', 'reported_at']);
    await index(db, 'ticket', ['cell_id', 'category_id', 'reported_at']);
    await index(db, 'ticket', ['hotspot_id']);

    // departments a ticket was ever forwarded or dispatched to (KPI department filter, §7)
    await db.schema.createTable('ticket_department')
      .addColumn('ticket_id', 'bigint', (c) => c.notNull().references('ticket.id'))
      .addColumn('department_id', 'varchar(64)', (c) => c.notNull())
      .addPrimaryKeyConstraint('ticket_department_pk', ['ticket_id', 'department_id'])
      .execute();
    await index(db, 'ticket_department', ['department_id', 'ticket_id']);

    // the history: appended, never edited (DESIGN §3 rules)
    await withId(db.schema.createTable('ticket_event'), engine)
      .addColumn('ticket_id', 'bigint', (c) => c.notNull().references('ticket.id'))
      .addColumn('type', 'varchar(32)', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('recorded_at', 'bigint', (c) => c.notNull())
      .addColumn('actor', 'varchar(128)', (c) => c.notNull())
      .addColumn('actor_role', 'varchar(32)', (c) => c.notNull())
      .addColumn('from_department_id', 'varchar(64)')
      .addColumn('to_department_id', 'varchar(64)')
      .addColumn('data', 'text')
      .execute();
    await index(db, 'ticket_event', ['ticket_id', 'id']);
    await index(db, 'ticket_event', ['type', 'at']);

    await withId(db.schema.createTable('ticket_clock'), engine)
      .addColumn('ticket_id', 'bigint', (c) => c.notNull().references('ticket.id'))
      .addColumn('clock', 'varchar(16)', (c) => c.notNull())
      .addColumn('round', 'integer', (c) => c.notNull())
      .addColumn('calendar_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('duration_ms', 'bigint', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('warn_at', 'bigint', (c) => c.notNull())
      .addColumn('due_at', 'bigint', (c) => c.notNull())
      .addColumn('province_at', 'bigint', (c) => c.notNull())
      .addColumn('stopped_at', 'bigint')
      .addColumn('warned_at', 'bigint')
      .addColumn('breached_at', 'bigint')
      .addColumn('province_escalated_at', 'bigint')
      // the next time the timer must look at this clock; null once nothing is left to fire
      .addColumn('next_fire_at', 'bigint')
      .execute();
    await index(db, 'ticket_clock', ['ticket_id', 'clock', 'round'], { unique: true });
    await index(db, 'ticket_clock', ['next_fire_at'], { where: 'next_fire_at is not null', name: 'ticket_clock_next_fire_idx' });

    await db.schema.createTable('idempotency_key')
      .addColumn('actor', 'varchar(128)', (c) => c.notNull())
      .addColumn('key', 'varchar(200)', (c) => c.notNull())
      .addColumn('ticket_id', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_key_pk', ['actor', 'key'])
      .execute();

    await db.schema.createTable('sla_policy')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('category_id', 'varchar(64)')
      // category or '*': one policy per (category, grade, clock)
      .addColumn('category_key', 'varchar(64)', (c) => c.notNull())
      .addColumn('grade', 'varchar(16)', (c) => c.notNull())
      .addColumn('clock', 'varchar(16)', (c) => c.notNull())
      .addColumn('duration_ms', 'bigint', (c) => c.notNull())
      .addColumn('calendar_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await index(db, 'sla_policy', ['category_key', 'grade', 'clock'], { unique: true });

    await db.schema.createTable('calendar')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await withId(db.schema.createTable('notification'), engine)
      .addColumn('ticket_id', 'bigint')
      .addColumn('kind', 'varchar(32)', (c) => c.notNull())
      .addColumn('department_id', 'varchar(64)')
      .addColumn('role', 'varchar(32)')
      .addColumn('region_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('data', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await index(db, 'notification', ['department_id', 'id']);
    await index(db, 'notification', ['region_id', 'role', 'id']);
    await db.schema.createTable('notification_read')
      .addColumn('notification_id', 'bigint', (c) => c.notNull())
      .addColumn('user_id', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('notification_read_pk', ['user_id', 'notification_id'])
      .execute();

    // transactional outbox: written with the change, delivered after commit (DESIGN §9)
    await withId(db.schema.createTable('outbox'), engine)
      .addColumn('topic', 'varchar(64)', (c) => c.notNull())
      .addColumn('ticket_id', 'bigint')
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await withId(db.schema.createTable('problem'), engine)
      .addColumn('title', 'varchar(300)', (c) => c.notNull())
      .addColumn('region_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('category_id', 'varchar(64)')
      .addColumn('owner_department_id', 'varchar(64)')
      .addColumn('root_cause', 'text')
      .addColumn('action', 'text')
      .addColumn('due_date', 'varchar(10)')
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('hotspot_id', 'bigint')
      .addColumn('created_by', 'varchar(128)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('closed_at', 'bigint')
      .execute();
    await index(db, 'problem', ['region_id', 'status']);
    await index(db, 'problem', ['hotspot_id']);
    await db.schema.createTable('problem_ticket')
      .addColumn('problem_id', 'bigint', (c) => c.notNull().references('problem.id'))
      .addColumn('ticket_id', 'bigint', (c) => c.notNull().references('ticket.id'))
      .addPrimaryKeyConstraint('problem_ticket_pk', ['problem_id', 'ticket_id'])
      .execute();
    await index(db, 'problem_ticket', ['ticket_id']);
  },
};
