import { readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'vite';
import { PAGE_MODULES, PAGE_PATHS } from './src/page-routes.ts';

/** One entry of `dist/page-preloads.json`: the chunks of the page at the paths `pattern` matches. */
export interface PagePreload {
  pattern: string;
  files: string[];
}

type Chunk = { type: 'chunk'; fileName: string; imports: string[]; isEntry: boolean; isDynamicEntry: boolean; facadeModuleId: string | null };

/**
 * Writes `page-preloads.json`: for each path of `page-routes.ts`, the page's chunk and every chunk
 * it imports statically, less those index.html already loads. The server adds them to the
 * index.html it sends for that path as `<link rel="modulepreload">`, so the browser fetches and
 * compiles the page together with the shell instead of after the shell has run.
 */
export function pagePreloads(srcDir: string): Plugin {
  return {
    name: 'netcare-page-preloads',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = new Map<string, Chunk>();
      for (const c of Object.values(bundle)) if (c.type === 'chunk') chunks.set(c.fileName, c as unknown as Chunk);
      const closure = (start: string, into = new Set<string>()): Set<string> => {
        if (into.has(start)) return into;
        into.add(start);
        for (const i of chunks.get(start)?.imports ?? []) closure(i, into);
        return into;
      };
      const shell = new Set<string>();
      for (const c of chunks.values()) if (c.isEntry) closure(c.fileName, shell);
      const byModule = new Map<string, string[]>();
      for (const c of chunks.values()) {
        if (!c.isDynamicEntry || !c.facadeModuleId) continue;
        const module = relative(srcDir, c.facadeModuleId).replace(/\\/g, '/').replace(/\.tsx?$/, '');
        byModule.set(module, [...closure(c.fileName)].filter((f) => !shell.has(f)));
      }
      const preloads: PagePreload[] = PAGE_PATHS.map(([re, page]) => {
        const files = byModule.get(PAGE_MODULES[page]);
        if (!files) this.error(`page-routes.ts: no chunk for ${PAGE_MODULES[page]}`);
        return { pattern: re.source, files: files.map((f) => `/${f}`) };
      });
      this.emitFile({ type: 'asset', fileName: 'page-preloads.json', source: JSON.stringify(preloads) });
    },
  };
}

/**
 * The modules of `src/boot.ts` (early.ts and the small, pure modules it needs), kept in a chunk of
 * their own: `bootScript` loads it ahead of the console's entry.
 */
export const BOOT_MODULES = /console\/src\/(boot|early|early-requests|query|lang|page-routes|pages\/queue\/queues|pages\/tickets\/tickets-query|components\/tickets\/ticket-paging)\.ts$/;

/**
 * Loads the `boot` chunk (`src/boot.ts`: `GET /auth/me` and the opened page's data, early.ts) by a
 * script of its own ahead of the entry. Imported only by the entry, it would run after every chunk
 * the entry imports had been fetched and evaluated; alone, it runs as soon as it is fetched, and
 * the entry later finds it evaluated. The build fails when the chunk imports another: it must stay
 * small and run first.
 */
export function bootScript(): Plugin {
  return {
    name: 'netcare-boot-script',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const boot = Object.values(ctx.bundle ?? {}).find((c) => c.type === 'chunk' && c.name === 'boot');
        if (!boot || boot.type !== 'chunk') throw new Error('netcare-boot-script: no chunk named boot (vite.config.ts codeSplitting)');
        if (boot.imports.length) throw new Error(`netcare-boot-script: the boot chunk imports ${boot.imports.join(', ')}; early.ts and its imports must stay out of React and antd (BOOT_MODULES)`);
        const entry = html.indexOf('<script type="module"');
        if (entry < 0) throw new Error('netcare-boot-script: index.html has no module script');
        return `${html.slice(0, entry)}<script type="module" async crossorigin src="/${boot.fileName}"></script>\n    ${html.slice(entry)}`;
      },
    },
  };
}

/**
 * Writes a `.gz` and a `.br` beside every script, style sheet and JSON file of the build, for the
 * server to send as they are (`@fastify/static` with `preCompressed`): compressed once at build
 * time at the highest levels instead of on every request.
 */
export function precompress(): Plugin {
  const gz = promisify(gzip);
  const br = promisify(brotliCompress);
  return {
    name: 'netcare-precompress',
    apply: 'build',
    async writeBundle(options, bundle) {
      const outDir = options.dir;
      if (!outDir) return;
      const files = Object.keys(bundle).filter((f) => /\.(js|css|json|svg)$/.test(f));
      await Promise.all(files.map(async (f) => {
        const path = join(outDir, f);
        const raw = await readFile(path);
        if (raw.length < 1024) return; // not worth a second request header
        const [g, b] = await Promise.all([
          gz(raw, { level: 9 }),
          br(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 10, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }),
        ]);
        await Promise.all([writeFile(`${path}.gz`, g), writeFile(`${path}.br`, b)]);
      }));
    },
  };
}
