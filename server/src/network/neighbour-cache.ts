import { ReferenceCache } from '../db/reference-cache.ts';

/**
 * Neighbourhoods read by hotspot detection on every network complaint (cell → the neighbour
 * lists around it). Neighbour lists change only with a cell import, which clears this.
 */
export const neighbourhoods = new ReferenceCache<Map<string, string[]>>(60_000, 20_000);

/** Neighbour lists were written: neighbourhoods are read afresh. */
export function neighboursChanged(): void { neighbourhoods.clear(); }
