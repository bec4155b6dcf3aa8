import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from './config.ts';
import { openDb, type Db } from './db/connect.ts';
import { migrate } from './db/migrate.ts';
import { buildApp } from './app.ts';
import { bootstrap } from './demo/bootstrap.ts';
import { systemClock, type Clock } from './shared/clock.ts';
import type { Deps } from './http/deps.ts';
import { startBackgroundWork } from './background.ts';
import { loadKeyRing } from './security/key-ring.ts';
import { loadSecuritySettings } from './security/settings.ts';

export interface Running {
  app: FastifyInstance;
  db: Db;
  deps: Deps;
  url: string;
  stop(): Promise<void>;
}

/** Opens the database, migrates, seeds an empty one, builds the app and listens (what `netcare serve` does). */
export async function startServer(config: Config = loadConfig(), opts: { clock?: Clock; console?: boolean; quiet?: boolean } = {}): Promise<Running> {
  const clock = opts.clock ?? systemClock;
  const say = (msg: string) => { if (!opts.quiet) console.log(msg); };
  const db = openDb(config.databaseUrl);
  await migrate(db, say);
  const deps: Deps = { db, config, clock, pii: loadKeyRing(process.env, config.dataDir) };
  const boot = await bootstrap(deps, { log: say });
  const app = await buildApp(deps, {
    console: opts.console,
    // rate limits from NETCARE_RATE_LIMIT_* (on by default; security/settings.ts)
    security: loadSecuritySettings(),
    logger: opts.quiet ? false : {
      level: config.logLevel,
      // secrets and personal data never reach the logs
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
    },
  });
  const background = startBackgroundWork(deps, app.log);
  await app.listen({ host: config.host, port: config.port });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  say(`netcare is running: console ${url}/  API docs ${url}/docs  (database: ${db.engine})`);
  if (boot.adminPassword) say(`First start: sign in as "admin" with password ${boot.adminPassword}  (shown once${config.demo ? '; demo users share it' : ''})`);
  return {
    app, db, deps, url,
    async stop() {
      await background.stop();
      await app.close();
      await db.close();
    },
  };
}
