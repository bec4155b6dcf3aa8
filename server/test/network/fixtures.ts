import { systemActor } from '../../src/access/actor.ts';
import { importCells } from '../../src/network/import-cells.ts';
import { M_PER_DEG } from '../../src/network/geo.ts';
import type { TestApp } from '../helpers/app.ts';

/** A point `east` and `north` metres from (lon, lat). */
export function moved(lon: number, lat: number, east: number, north: number): { lon: number; lat: number } {
  return { lon: lon + east / (M_PER_DEG * Math.cos((lat * Math.PI) / 180)), lat: lat + north / M_PER_DEG };
}

export interface CellSpec { cellId: string; siteId: string; name?: string; region: string; network?: string; lon: number; lat: number; neighbours?: string[] }

/** Stores cells as the system would (through the import), failing on any rejection. */
export async function seedCells(t: TestApp, cells: CellSpec[]): Promise<void> {
  const r = await importCells({ deps: t.deps, actor: systemActor('test', 'zj'), address: null },
    { rows: cells.map((c) => ({ name: c.cellId, network: 'LTE', ...c })) }, { via: 'test' });
  if (r.rejected.length) throw new Error(`seedCells rejected ${JSON.stringify(r.rejected)}`);
}

/** A site of three LTE sectors at a point: ids `${site}-1..3`. */
export function site(siteId: string, region: string, at: { lon: number; lat: number }, network = 'LTE'): CellSpec[] {
  return [1, 2, 3].map((k) => ({ cellId: `${siteId}-${k}`, siteId, region, network, lon: at.lon, lat: at.lat }));
}

/** An API key of a role and region; returns the bearer header. */
export async function apiKey(t: TestApp, region: string, name = `key-${region}-${Math.random().toString(36).slice(2, 7)}`): Promise<{ authorization: string }> {
  const r = await t.as('admin', { method: 'POST', url: '/api/v1/api-keys', payload: { name, role: 'api', region } });
  if (r.statusCode !== 201) throw new Error(`api key: ${r.statusCode} ${r.body}`);
  return { authorization: `Bearer ${r.json().key}` };
}
