import { lazy, type ComponentType, type LazyExoticComponent } from 'react';

type PageModule = { default: ComponentType };

/** A page in its own chunk: the component to route to, and a way to start loading it early. */
export interface LazyPage {
  Page: LazyExoticComponent<ComponentType>;
  /** Starts loading the chunk (once); rejects as the import does. */
  load: () => Promise<PageModule>;
}

/**
 * `React.lazy` over one shared import, that renders at once when the chunk has already loaded.
 * Plain `lazy` suspends on its first render even then (it waits for `then` to call back), and
 * React 19 holds a suspended boundary's content back for up to 300 ms after showing its fallback:
 * a page preloaded with the shell (index.html names its chunks, main.tsx imports it before
 * `/auth/me` answers) would still show that much later. React's `lazy` only calls `then`, so a
 * loaded page is given a thenable that calls back synchronously.
 */
export function lazyPage(importer: () => Promise<PageModule>): LazyPage {
  let module: PageModule | null = null;
  let pending: Promise<PageModule> | null = null;
  const load = () =>
    (pending ??= importer().then(
      (m) => (module = m),
      (err: unknown) => {
        pending = null; // a later render tries again
        throw err;
      },
    ));
  const Page = lazy(() => {
    const loaded = module;
    if (!loaded) return load();
    return { then: (resolve: (m: PageModule) => void) => resolve(loaded) } as unknown as Promise<PageModule>;
  });
  return { Page, load };
}
