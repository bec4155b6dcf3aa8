import type { Migration } from './helpers.ts';
import { index, withId } from './helpers.ts';

/**
 * Event delivery and TMF621 (issue 7): the queue of outbox rows not yet fanned out, webhook and
 * TMF621 hub subscriptions with their delivery state, one row per pending delivery, the TMF621
 * attributes netcare has no column for, and the TMF621 settings.
 */
export const hub: Migration = {
  name: '0006-hub',
  async up(db, engine) {
    // outbox rows written but not yet turned into deliveries (addOutbox writes both in the change's transaction)
    await db.schema.createTable('outbox_pending')
      .addColumn('outbox_id', 'bigint', (c) => c.primaryKey())
      // 0 for events without a ticket: they form one ordered stream
      .addColumn('ticket_id', 'bigint', (c) => c.notNull())
      .execute();
    // delivery keeps a ticket's events in order: "is an earlier event of this ticket still pending?"
    await index(db, 'outbox_pending', ['ticket_id', 'outbox_id']);

    await withId(db.schema.createTable('webhook_subscription'), engine)
      // tmf621 (TMF621 hub listener) | webhook (netcare's own webhooks)
      .addColumn('kind', 'varchar(16)', (c) => c.notNull())
      .addColumn('callback', 'varchar(2000)', (c) => c.notNull())
      // tmf621: the hub's query (eventType filter); webhook: JSON array of topic patterns
      .addColumn('query', 'varchar(1000)')
      .addColumn('topics', 'text')
      // HMAC key, encrypted at rest like personal data; shown once at subscription
      .addColumn('secret_enc', 'text', (c) => c.notNull())
      // whose view of the tickets the events carry: scope (region) and masking (role)
      .addColumn('owner_kind', 'varchar(8)', (c) => c.notNull())
      .addColumn('owner_id', 'bigint', (c) => c.notNull())
      .addColumn('owner_name', 'varchar(128)', (c) => c.notNull())
      .addColumn('role', 'varchar(32)', (c) => c.notNull())
      .addColumn('region_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('department_id', 'varchar(64)')
      // active | suspended (kept failing; an admin resumes) | disabled (owner key revoked or user disabled)
      .addColumn('state', 'varchar(16)', (c) => c.notNull())
      // events of outbox rows up to this id happened before the subscription
      .addColumn('start_after_outbox_id', 'bigint', (c) => c.notNull())
      .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('failing_since', 'bigint')
      // while failing, no delivery before this time (one probe at a time)
      .addColumn('retry_at', 'bigint')
      .addColumn('last_error', 'varchar(1000)')
      .addColumn('last_error_at', 'bigint')
      .addColumn('last_success_at', 'bigint')
      .addColumn('delivered_count', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('suspended_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    // one pending delivery of one event to one subscription; deleted once the subscriber took it
    await withId(db.schema.createTable('webhook_delivery'), engine)
      .addColumn('subscription_id', 'bigint', (c) => c.notNull())
      .addColumn('outbox_id', 'bigint', (c) => c.notNull())
      // an outbox row can make several events (TMF621 status change + resolved)
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('ticket_id', 'bigint', (c) => c.notNull())
      .addColumn('event_id', 'varchar(64)', (c) => c.notNull())
      .addColumn('event_type', 'varchar(64)', (c) => c.notNull())
      // the exact bytes sent (and signed) on every attempt
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      // claim: a process sets token and lease with a conditional update before sending
      .addColumn('claim_token', 'varchar(64)')
      .addColumn('claimed_until', 'bigint')
      .addColumn('last_error', 'varchar(1000)')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await index(db, 'webhook_delivery', ['subscription_id', 'outbox_id', 'seq'], { unique: true });
    // head-of-line check: the earliest pending event of (subscription, ticket)
    await index(db, 'webhook_delivery', ['subscription_id', 'ticket_id', 'outbox_id', 'seq']);
    await index(db, 'webhook_delivery', ['next_attempt_at']);

    // TMF621 attributes of a ticket that netcare's ticket row has no column for
    await db.schema.createTable('tmf_ticket')
      .addColumn('ticket_id', 'bigint', (c) => c.primaryKey().references('ticket.id'))
      .addColumn('ticket_type', 'varchar(128)')
      .addColumn('severity', 'varchar(64)')
      .addColumn('name', 'varchar(200)')
      .addColumn('requested_resolution_date', 'bigint')
      // related parties and entities netcare does not interpret, kept as sent (JSON arrays)
      .addColumn('related_party', 'text')
      .addColumn('related_entity', 'text')
      // withdrawn by the client (TMF status cancelled); deleted: no longer visible through TMF621
      .addColumn('withdrawn_at', 'bigint')
      .addColumn('deleted_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await index(db, 'tmf_ticket', ['ticket_type']);

    await db.schema.createTable('tmf_setting')
      .addColumn('key', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'varchar(128)')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
