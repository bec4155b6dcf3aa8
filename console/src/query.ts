/** Query parameters; empty, null and undefined values are left out. */
export type Query = Record<string, string | number | boolean | null | undefined>;

/** `path` with the non-empty parameters of `query` appended. */
export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}
