/**
 * The outline drawn around a hotspot's cells: the convex hull of the cells, each widened to a
 * small square so that one or two cells still get a visible ring. Pure; lon/lat in degrees.
 */
export function outline(points: readonly [number, number][], pad: number): [number, number][] {
  const pts: [number, number][] = [];
  for (const [x, y] of points) pts.push([x - pad, y - pad], [x + pad, y - pad], [x + pad, y + pad], [x - pad, y + pad]);
  const hull = convexHull(pts);
  return hull.length ? [...hull, hull[0]] : [];
}

/** Andrew's monotone chain: the hull counter-clockwise, without repeating the first point. */
export function convexHull(input: readonly [number, number][]): [number, number][] {
  const p = [...input].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (p.length < 3) return p;
  const cross = (o: [number, number], a: [number, number], b: [number, number]) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: [number, number][] = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], q) <= 0) lower.pop();
    lower.push(q);
  }
  const upper: [number, number][] = [];
  for (let i = p.length - 1; i >= 0; i--) {
    const q = p[i];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], q) <= 0) upper.pop();
    upper.push(q);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}
