import { loadConfig } from './config.ts';
import { openDb } from './db/connect.ts';
import { migrate } from './db/migrate.ts';
import { startServer } from './server.ts';
import { ensureConsoleBuilt } from './console-build.ts';
import { verifyAuditChain } from './audit/repository.ts';
import { systemActor } from './access/actor.ts';
import { putUser } from './org/operations.ts';
import { bootstrap } from './demo/bootstrap.ts';
import { systemClock } from './shared/clock.ts';
import { loadPii } from './pii/pii.ts';
import { importFileCommand } from './network/cli-import.ts';
import { importTicketsCommand } from './imports/cli-tickets.ts';
import { backupCommand, restoreCommand } from './backup/commands.ts';
import { rotatePiiKeys } from './security/pii-rotation.ts';

const USAGE = `usage: netcare <command>
  serve                         start the server (what npm start runs)
  migrate                       apply database migrations
  demo                          seed demo data into an empty database
  user add NAME ROLE REGION [DEPARTMENT]   create a user (password from NETCARE_USER_PASSWORD or prompt-free random)
  audit verify                  check the audit trail's hash chain
  import cells|subscribers|tickets FILE   import reference data or historical tickets
  backup FILE                   online backup of the SQLite database (PostgreSQL: prints the pg_dump command)
  restore FILE                  replace the stopped server's SQLite database with a backup (PostgreSQL: pg_restore)
  pii rotate                    new personal-data key; re-encrypt every value under it (servers keep running)`;

/** Command handlers; each returns the process exit code. */
const commands: Record<string, (args: string[]) => Promise<number>> = {
  async serve() {
    const config = loadConfig();
    // NETCARE_BUILD_CONSOLE=0: serve the API without (re)building the console (tests that start real servers)
    if (process.env.NETCARE_BUILD_CONSOLE !== '0') await ensureConsoleBuilt((m) => console.log(m));
    const running = await startServer(config);
    const shutdown = async () => { await running.stop(); process.exit(0); };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    return new Promise<number>(() => {});
  },
  async migrate() {
    const db = openDb(loadConfig().databaseUrl);
    const done = await migrate(db, (m) => console.log(m));
    console.log(done.length ? `${done.length} migration(s) applied` : 'database is up to date');
    await db.close();
    return 0;
  },
  async demo() {
    const config = loadConfig();
    const db = openDb(config.databaseUrl);
    await migrate(db);
    const r = await bootstrap({ db, config: { ...config, demo: true }, clock: systemClock, pii: loadPii(process.env, config.dataDir) }, { log: (m) => console.log(m) });
    console.log(r.adminPassword ? `Demo seeded. admin password: ${r.adminPassword}` : 'The database is not empty: demo data is only seeded into an empty database.');
    await db.close();
    return 0;
  },
  async user(args) {
    const [sub, username, role, region, department] = args;
    if (sub !== 'add' || !username || !role || !region) { console.error(USAGE); return 2; }
    const config = loadConfig();
    const db = openDb(config.databaseUrl);
    await migrate(db);
    const password = process.env.NETCARE_USER_PASSWORD ?? (await import('node:crypto')).randomBytes(9).toString('base64url');
    try {
      await putUser({ deps: { db, config, clock: systemClock, pii: loadPii(process.env, config.dataDir) }, actor: systemActor('cli'), address: null }, username, { password, role, region, department: department ?? null });
      console.log(`user ${username} saved${process.env.NETCARE_USER_PASSWORD ? '' : `; password: ${password}`}`);
      return 0;
    } catch (e: any) {
      console.error(`error: ${e.message}`);
      return 1;
    } finally {
      await db.close();
    }
  },
  async import(args) {
    const [what, file] = args;
    if (what === 'tickets' && file) return importTicketsCommand(file);
    if ((what !== 'cells' && what !== 'subscribers') || !file) { console.error(USAGE); return 2; }
    const db = openDb(loadConfig().databaseUrl);
    await migrate(db);
    try {
      return await importFileCommand(db, systemClock, what, file);
    } finally {
      await db.close();
    }
  },
  async backup(args) {
    if (!args[0]) { console.error(USAGE); return 2; }
    return backupCommand(loadConfig().databaseUrl, args[0]);
  },
  async restore(args) {
    if (!args[0]) { console.error(USAGE); return 2; }
    return restoreCommand(loadConfig().databaseUrl, args[0]);
  },
  async pii(args) {
    if (args[0] !== 'rotate') { console.error(USAGE); return 2; }
    const config = loadConfig();
    const db = openDb(config.databaseUrl);
    await migrate(db);
    try {
      return await rotatePiiKeys(db, process.env, config.dataDir, {
        say: (m) => console.log(m),
        progress: (done, total) => process.stderr.write(`\rre-encrypting: ${done.toLocaleString('en')} / ${total.toLocaleString('en')} values (${total ? Math.floor((done / total) * 100) : 100}%)`),
      });
    } finally {
      await db.close();
    }
  },
  async audit(args) {
    if (args[0] !== 'verify') { console.error(USAGE); return 2; }
    const db = openDb(loadConfig().databaseUrl);
    await migrate(db);
    const r = await verifyAuditChain(db.kysely, (n) => process.stderr.write(`\rchecked ${n} entries`));
    process.stderr.write('\n');
    await db.close();
    if (r.brokenAt == null) { console.log(`audit trail intact: ${r.checked} entries`); return 0; }
    console.log(`audit trail BROKEN at entry ${r.brokenAt}: ${r.reason} (${r.checked} entries before it are intact)`);
    return 1;
  },
};

const [name, ...rest] = process.argv.slice(2);
const command = name ? commands[name] : undefined;
if (!command) {
  console.error(USAGE);
  process.exit(name ? 2 : 0);
}
command(rest).then((code) => { if (code !== undefined) process.exit(code); }, (err) => {
  console.error(`error: ${err?.message ?? err}`);
  process.exit(1);
});
