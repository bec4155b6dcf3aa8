import { DEMO_CITIES } from '../../server/src/demo/organisation.ts';

export interface BenchCell { cellId: string; siteId: string; name: string; region: string; network: string; lon: number; lat: number; neighbours: string[] }

/**
 * A province-sized radio network for load tests: `count` LTE cells, three sectors per site, the
 * sites on a square grid ~500 m apart around the demo cities (split evenly). Each cell neighbours
 * the other sectors of its site and every sector of the (up to 8) sites around it, as a
 * planning tool would list them: ~26 neighbours, symmetric.
 */
export function benchCells(count: number): BenchCell[] {
  const sitesPerCity = Math.ceil(count / 3 / DEMO_CITIES.length);
  const side = Math.ceil(Math.sqrt(sitesPerCity));
  const cells: BenchCell[] = [];
  const id = (city: string, row: number, col: number, sector: number) => `b${city}-${row}-${col}-${sector}`;
  for (const city of DEMO_CITIES) {
    for (let s = 0; s < sitesPerCity && cells.length < count; s++) {
      const row = Math.floor(s / side);
      const col = s % side;
      for (let sector = 1; sector <= 3 && cells.length < count; sector++) {
        const neighbours: string[] = [];
        for (let dr = -1; dr <= 1; dr++) {
          for (let dc = -1; dc <= 1; dc++) {
            const r = row + dr, c = col + dc;
            if (r < 0 || c < 0 || c >= side || r * side + c >= sitesPerCity) continue;
            for (let k = 1; k <= 3; k++) if (dr || dc || k !== sector) neighbours.push(id(city.id, r, c, k));
          }
        }
        cells.push({
          cellId: id(city.id, row, col, sector), siteId: `b${city.id}-${row}-${col}`, name: `bench ${city.id} ${row}/${col}/${sector}`,
          region: city.id, network: 'LTE', lon: city.lon + (col - side / 2) * 0.005, lat: city.lat + (row - side / 2) * 0.0045, neighbours,
        });
      }
    }
  }
  // the last site of a city may be cut short by `count`: keep neighbour lists to cells that exist
  const ids = new Set(cells.map((c) => c.cellId));
  for (const c of cells) c.neighbours = c.neighbours.filter((n) => ids.has(n));
  return cells;
}

/**
 * Imports cells through POST /api/v1/import/cells in chunks, with a progress line on stderr:
 * first the cells without neighbours, then the neighbour lists (a row naming a cell not yet
 * stored would be rejected).
 */
export async function importCells(url: string, token: string, cells: BenchCell[], chunk = 20_000): Promise<void> {
  for (const pass of ['cells', 'neighbours'] as const) {
    for (let i = 0; i < cells.length; i += chunk) {
      const rows = cells.slice(i, i + chunk).map((c) => (pass === 'cells' ? { ...c, neighbours: undefined } : c));
      const r = await fetch(`${url}/api/v1/import/cells`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(rows),
      });
      if (!r.ok) throw new Error(`import ${pass}: ${r.status} ${await r.text()}`);
      const answer = await r.json() as { rejected?: unknown[] };
      if (answer.rejected?.length) throw new Error(`import ${pass}: rejected ${JSON.stringify(answer.rejected.slice(0, 3))}`);
      process.stderr.write(`\r${pass}: ${Math.min(i + chunk, cells.length)} / ${cells.length}`);
    }
    process.stderr.write('\n');
  }
}
