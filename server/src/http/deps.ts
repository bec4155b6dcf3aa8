import type { Db } from '../db/connect.ts';
import type { Config } from '../config.ts';
import type { Clock } from '../shared/clock.ts';
import type { Pii } from '../pii/pii.ts';

/** What every operation receives explicitly (STYLE: pass db, actor and clock; no globals). */
export interface Deps {
  db: Db;
  config: Config;
  clock: Clock;
  pii: Pii;
}
