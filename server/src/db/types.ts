import type { Kysely, Transaction } from 'kysely';
import type { Database } from './database.ts';

/** A handle to run queries on: the database itself or an open transaction. */
export type Q = Kysely<Database> | Transaction<Database>;
