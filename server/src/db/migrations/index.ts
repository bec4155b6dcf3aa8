import type { Migration } from './helpers.ts';
import { organisation } from './0001-organisation.ts';

/** Every migration in order. Append only: a released migration is never edited. */
export const migrations: Migration[] = [organisation];
