/**
 * Geometry for the location lookup: great-circle distance and two square grids over lon/lat.
 * Grids turn "what is near this point" into index reads of integer keys, the same SQL on both
 * engines; the exact distance is then checked in code (DESIGN §3 step 1: the lookup must be fast).
 */

const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;
/** metres per degree of latitude (and of longitude at the equator) */
export const M_PER_DEG = EARTH_RADIUS_M * RAD;

/** Great-circle distance in metres (haversine). */
export function distanceM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** A square grid of `perDeg` squares per degree; a square's key is row × columns + column. */
export interface Grid {
  perDeg: number;
}

/** Issue circles: 0.05° squares (about 5.5 km × 4.8 km at 30° N). */
export const ISSUE_GRID: Grid = { perDeg: 20 };
/** Cells: 0.005° squares (about 550 m × 480 m), fine enough that a dense city square holds a few dozen cells. */
export const CELL_GRID: Grid = { perDeg: 200 };

const columns = (g: Grid) => 360 * g.perDeg;
const col = (g: Grid, lon: number) => Math.min(columns(g) - 1, Math.max(0, Math.floor((lon + 180) * g.perDeg)));
const row = (g: Grid, lat: number) => Math.min(180 * g.perDeg - 1, Math.max(0, Math.floor((lat + 90) * g.perDeg)));

/** The key of the square holding a point. */
export function gridKey(g: Grid, lon: number, lat: number): number {
  return row(g, lat) * columns(g) + col(g, lon);
}

/** Every square key that meets the box [lon1, lon2] × [lat1, lat2]. */
export function gridKeysOfBox(g: Grid, lon1: number, lat1: number, lon2: number, lat2: number): number[] {
  const keys: number[] = [];
  const c1 = col(g, lon1), c2 = col(g, lon2), r1 = row(g, lat1), r2 = row(g, lat2);
  for (let r = r1; r <= r2; r++) for (let c = c1; c <= c2; c++) keys.push(r * columns(g) + c);
  return keys;
}

/** The bounding box of a circle, in degrees (clamped short of the poles). */
export function circleBox(lon: number, lat: number, radiusM: number): { lon1: number; lat1: number; lon2: number; lat2: number } {
  const dLat = radiusM / M_PER_DEG;
  const lat1 = Math.max(-89.9, lat - dLat), lat2 = Math.min(89.9, lat + dLat);
  // the box is widest in longitude at the latitude farthest from the equator
  const cos = Math.cos(Math.max(Math.abs(lat1), Math.abs(lat2)) * RAD);
  const dLon = radiusM / (M_PER_DEG * Math.max(cos, 1e-6));
  return { lon1: lon - dLon, lat1, lon2: lon + dLon, lat2 };
}

/** Every square key a circle may touch (a superset: corners of the box included). */
export function gridKeysOfCircle(g: Grid, lon: number, lat: number, radiusM: number): number[] {
  const b = circleBox(lon, lat, radiusM);
  return gridKeysOfBox(g, b.lon1, b.lat1, b.lon2, b.lat2);
}

/**
 * The squares around a point in Chebyshev rings 0..`rings` (3 × 3 for one ring), and the radius
 * that block is guaranteed to cover: every point within it lies in one of the squares.
 */
export function gridBlock(g: Grid, lon: number, lat: number, rings: number): { keys: number[]; coveredM: number } {
  const c = col(g, lon), r = row(g, lat);
  const keys: number[] = [];
  for (let dr = -rings; dr <= rings; dr++) for (let dc = -rings; dc <= rings; dc++) {
    const rr = r + dr, cc = c + dc;
    if (rr >= 0 && rr < 180 * g.perDeg && cc >= 0 && cc < columns(g)) keys.push(rr * columns(g) + cc);
  }
  // distance from the point to the block's nearest edge
  const side = 1 / g.perDeg;
  const west = lon - ((c - rings) / g.perDeg - 180), east = ((c + rings + 1) / g.perDeg - 180) - lon;
  const south = lat - ((r - rings) / g.perDeg - 90), north = ((r + rings + 1) / g.perDeg - 90) - lat;
  const cos = Math.cos(Math.min(89.9, Math.abs(lat) + (rings + 1) * side) * RAD);
  const coveredM = Math.min(Math.min(west, east) * M_PER_DEG * cos, Math.min(south, north) * M_PER_DEG);
  return { keys, coveredM };
}

/** True when lon/lat are real coordinates. */
export function validLonLat(lon: number, lat: number): boolean {
  return Number.isFinite(lon) && Number.isFinite(lat) && lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90;
}
