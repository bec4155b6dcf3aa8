import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const consoleDir = resolve(import.meta.dirname, '../../console');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds the console bundle with Vite when it is missing or older than its sources (first `npm start`). */
export async function ensureConsoleBuilt(say: (msg: string) => void): Promise<void> {
  const index = join(consoleDir, 'dist', 'index.html');
  if (!existsSync(join(consoleDir, 'src'))) return;
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(join(consoleDir, 'src'))) return;
  say('Building the console (first start or changed sources; takes a minute)…');
  try {
    const { build } = await import('vite');
    await build({ configFile: join(consoleDir, 'vite.config.ts'), logLevel: 'warn' });
    say('Console built.');
  } catch (err: any) {
    // the API still serves; the console page says how to build it
    say(`Console build failed (${err?.message?.split('\n')[0]}); the API runs without it.`);
  }
}
