import { lazy, Suspense, type ComponentType } from 'react';

/**
 * A chart component loaded on demand with ECharts (some 560 kB of script): the page renders,
 * asks for its data and shows its tables and figures without waiting for it, and the chart's
 * chunk loads meanwhile. Until it has, a blank box of the chart's height holds its place, so
 * nothing below moves when the chart appears.
 */
export function lazyChart<P extends object>(load: () => Promise<ComponentType<P>>, height: (props: P) => number): ComponentType<P> {
  const Chart = lazy(async () => ({ default: await load() }));
  function LazyChart(props: P) {
    return (
      <Suspense fallback={<div style={{ width: '100%', height: height(props) }} />}>
        <Chart {...props} />
      </Suspense>
    );
  }
  return LazyChart;
}
