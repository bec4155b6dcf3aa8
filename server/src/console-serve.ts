import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import { noRouteBody } from './http/error-handler.ts';

const DEFAULT_ROOT = resolve(import.meta.dirname, '../../console/dist');

/** One entry of the build's `page-preloads.json` (console/build-plugins.ts). */
interface PagePreload {
  pattern: string;
  files: string[];
}

/**
 * index.html as built, and per path the same with `<link rel="modulepreload">` for the chunks of
 * the page at that path, so the browser fetches them with the shell rather than after running it.
 * Read again when a new build replaces the files (`serve` may rebuild while a server runs).
 */
class IndexPages {
  private stamp = -1;
  private html = '';
  private pages: { re: RegExp; html: string }[] = [];

  constructor(private readonly root: string) {}

  /** The index.html for `pathname`. */
  at(pathname: string): string {
    this.refresh();
    return this.pages.find((p) => p.re.test(pathname))?.html ?? this.html;
  }

  private refresh(): void {
    const index = resolve(this.root, 'index.html');
    const stamp = statSync(index).mtimeMs;
    if (stamp === this.stamp) return;
    const html = readFileSync(index, 'utf8');
    let preloads: PagePreload[] = [];
    try {
      preloads = JSON.parse(readFileSync(resolve(this.root, 'page-preloads.json'), 'utf8')) as PagePreload[];
    } catch {
      // a build without the list: pages still load, one step later
    }
    this.html = html;
    this.pages = preloads.map((p) => {
      const links = p.files.map((f) => `<link rel="modulepreload" crossorigin href="${f}">`).join('');
      return { re: new RegExp(p.pattern), html: html.replace('</head>', `${links}</head>`) };
    });
    this.stamp = stamp;
  }
}

/**
 * Serves the built console at `/`: hashed assets with a year's cache, sent pre-compressed (the
 * build writes `.br` and `.gz` beside them); index.html for every client-side route, never cached,
 * naming the chunks of the page at that path.
 */
export async function serveConsole(app: FastifyInstance, root = DEFAULT_ROOT): Promise<void> {
  if (!existsSync(resolve(root, 'index.html'))) {
    app.get('/', async (_req, reply) => reply.type('text/html').send('<!doctype html><p>netcare console is not built: run <code>npm run build</code>.</p>'));
    app.setNotFoundHandler((req, reply) => reply.status(404).send(noRouteBody(req.method, req.url)));
    return;
  }
  const index = new IndexPages(root);
  const sendIndex = (reply: FastifyReply, pathname: string) =>
    reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(index.at(pathname));
  await app.register(fastifyStatic, {
    root, prefix: '/', wildcard: true, index: false, preCompressed: true,
    // the preload list is the server's, and index.html goes through sendIndex
    allowedPath: (pathname) => pathname !== '/page-preloads.json' && pathname !== '/index.html',
    // every file here but index.html has its content's hash in its name (a `setHeaders` cache-control
    // would be overwritten by the plugin's own, which said max-age=0: a revalidation per file per page)
    cacheControl: true, maxAge: 365 * 24 * 3600 * 1000, immutable: true,
  });
  app.get('/', (_req, reply) => sendIndex(reply, '/'));
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0];
    const apiLike = /^\/(api|tmf-api|docs|healthz|metrics)(\/|$)/.test(path);
    if (req.method === 'GET' && path === '/index.html') return sendIndex(reply, '/');
    if (req.method === 'GET' && !apiLike && !/\.[a-z0-9]+$/i.test(path)) return sendIndex(reply, path);
    return reply.status(404).send(noRouteBody(req.method, path));
  });
}
