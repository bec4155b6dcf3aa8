import { resolve } from 'node:path';

/** Runtime settings, read once from the environment (DESIGN §10). */
export interface Config {
  databaseUrl: string;
  host: string;
  port: number;
  adminPassword: string | undefined;
  demo: boolean;
  dataDir: string;
  timeZone: string;
  logLevel: string;
  /** Cookie `Secure` flag: on unless the server only listens on loopback over plain HTTP. */
  secureCookies: boolean;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = resolve(env.NETCARE_DATA_DIR ?? './data');
  const databaseUrl = env.NETCARE_DATABASE_URL ?? `sqlite:${resolve(dataDir, 'netcare.db')}`;
  const port = Number(env.NETCARE_PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`NETCARE_PORT must be a port number, got ${env.NETCARE_PORT}`);
  const timeZone = env.NETCARE_TIMEZONE ?? 'Asia/Shanghai';
  try { new Intl.DateTimeFormat('en', { timeZone }); } catch { throw new Error(`NETCARE_TIMEZONE is not a known time zone: ${timeZone}`); }
  const embedded = databaseUrl.startsWith('sqlite:');
  return {
    databaseUrl,
    host: env.NETCARE_HOST ?? '127.0.0.1',
    port,
    adminPassword: env.NETCARE_ADMIN_PASSWORD || undefined,
    demo: env.NETCARE_DEMO !== undefined ? env.NETCARE_DEMO === '1' : embedded,
    dataDir,
    timeZone,
    logLevel: env.NETCARE_LOG_LEVEL ?? 'info',
    secureCookies: env.NETCARE_SECURE_COOKIES === '1',
  };
}
