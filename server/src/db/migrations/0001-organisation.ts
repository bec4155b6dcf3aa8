import type { Migration } from './helpers.ts';
import { index, withId } from './helpers.ts';

/** Regions, departments, users, sessions, API keys, sign-in throttle, audit trail (issue 2). */
export const organisation: Migration = {
  name: '0001-organisation',
  async up(db, engine) {
    await db.schema.createTable('region')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(200)', (c) => c.notNull())
      .addColumn('parent_id', 'varchar(64)', (c) => c.references('region.id'))
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await index(db, 'region', ['parent_id']);

    await db.schema.createTable('department')
      .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('name', 'varchar(200)', (c) => c.notNull())
      .addColumn('kind', 'varchar(32)', (c) => c.notNull())
      .addColumn('region_id', 'varchar(64)', (c) => c.notNull().references('region.id'))
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await index(db, 'department', ['region_id', 'kind']);

    await withId(db.schema.createTable('app_user'), engine)
      .addColumn('username', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('display_name', 'varchar(200)')
      .addColumn('password_hash', 'varchar(255)', (c) => c.notNull())
      .addColumn('role', 'varchar(32)', (c) => c.notNull())
      .addColumn('region_id', 'varchar(64)', (c) => c.notNull().references('region.id'))
      .addColumn('department_id', 'varchar(64)', (c) => c.references('department.id'))
      .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await index(db, 'app_user', ['region_id']);
    await index(db, 'app_user', ['department_id']);

    await db.schema.createTable('session')
      .addColumn('token_hash', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('user_id', 'bigint', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await index(db, 'session', ['user_id']);

    await withId(db.schema.createTable('api_key'), engine)
      .addColumn('name', 'varchar(200)', (c) => c.notNull())
      .addColumn('key_hash', 'varchar(64)', (c) => c.notNull().unique())
      .addColumn('prefix', 'varchar(16)', (c) => c.notNull())
      .addColumn('role', 'varchar(32)', (c) => c.notNull())
      .addColumn('region_id', 'varchar(64)', (c) => c.notNull().references('region.id'))
      .addColumn('created_by', 'varchar(64)', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('revoked_at', 'bigint')
      .execute();

    // Failed sign-ins per source address: the growing delay for unknown usernames too.
    await db.schema.createTable('login_throttle')
      .addColumn('address', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('last_failure_at', 'bigint', (c) => c.notNull())
      .execute();

    // Append-only, hash-chained (issue 9): each entry carries the hash of the one before.
    await withId(db.schema.createTable('audit_log'), engine)
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('actor', 'varchar(128)', (c) => c.notNull())
      .addColumn('action', 'varchar(64)', (c) => c.notNull())
      .addColumn('target', 'varchar(255)')
      .addColumn('region_id', 'varchar(64)')
      .addColumn('address', 'varchar(64)')
      .addColumn('details', 'text')
      .addColumn('prev_hash', 'varchar(64)', (c) => c.notNull())
      .addColumn('hash', 'varchar(64)', (c) => c.notNull())
      .execute();
    await index(db, 'audit_log', ['at']);
    await index(db, 'audit_log', ['action', 'at']);
  },
};
