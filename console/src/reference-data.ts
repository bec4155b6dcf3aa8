import { useEffect, useState } from 'react';
import { fetchAll } from './api';
import type { Region } from './types';

// Regions change rarely; one load per session, refreshed after an admin saves one.
let regions: Promise<Region[]> | null = null;
/** the regions once loaded: a page rendered after that shows them in its first render */
let loaded: Region[] | undefined;
const listeners = new Set<() => void>();

/** The regions the signed-in user may see (cached for the session). */
export function loadRegions(): Promise<Region[]> {
  if (!regions) {
    const pending: Promise<Region[]> = fetchAll<Region>('/api/v1/regions').then(
      (list) => {
        if (regions === pending) loaded = list;
        return list;
      },
      (err: unknown) => {
        if (regions === pending) regions = null; // try again next time
        throw err;
      },
    );
    regions = pending;
  }
  return regions;
}

/** Drops cached reference data, quietly: on sign-in and sign-out, when no page should reload. */
export function forgetReferenceData(): void {
  regions = null;
  loaded = undefined;
}

/** Drops cached reference data and has every `useRegions` load it again (after an admin change). */
export function refreshReferenceData(): void {
  regions = null;
  loaded = undefined;
  for (const l of listeners) l();
}

/**
 * The regions for display (names in the user menu, tables, selects): undefined while loading
 * or when the server refuses them; callers then show the region id.
 */
export function useRegions(): Region[] | undefined {
  const [value, setValue] = useState<Region[] | undefined>(loaded);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    const bump = () => setGeneration((g) => g + 1);
    listeners.add(bump);
    return () => {
      listeners.delete(bump);
    };
  }, []);
  useEffect(() => {
    let live = true;
    loadRegions().then(
      (r) => live && setValue(r),
      () => live && setValue(undefined),
    );
    return () => {
      live = false;
    };
  }, [generation]);
  return value;
}

/** The name of a region id, or the id itself when unknown. */
export function regionName(list: Region[] | undefined, id: string | null | undefined): string {
  if (!id) return '';
  return list?.find((r) => r.id === id)?.name ?? id;
}
