import { ReferenceCache } from '../db/reference-cache.ts';

/**
 * Neighbour lists read by hotspot detection on every network complaint (cell → its neighbours).
 * They change only with a cell import, which clears this.
 */
export const neighbourhoods = new ReferenceCache<string[]>(60_000, 50_000);

/** Neighbour lists were written: neighbourhoods are read afresh. */
export function neighboursChanged(): void { neighbourhoods.clear(); }
