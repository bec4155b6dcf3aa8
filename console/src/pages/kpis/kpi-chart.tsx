import { useEffect, useRef } from 'react';
import { MarkLineComponent } from 'echarts/components';
import { echarts, type ChartOption, type ECharts } from '../../charts/echarts';

// the dashboard draws targets as mark lines: the one part it needs beyond the shared set
echarts.use([MarkLineComponent]);

/** What a click on a bar or point hands back: the category (x value) and the series name. */
export interface ChartClick { name: string; seriesName?: string; dataIndex: number }

/**
 * One ECharts chart that follows its container's size and the given option, and reports clicks
 * on its bars and points (the dashboard drills down from a figure to the tickets behind it).
 */
export function KpiChart({ option, height = 300, onClick, testId }: { option: ChartOption; height?: number; onClick?: (c: ChartClick) => void; testId?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const click = useRef(onClick);
  click.current = onClick;

  useEffect(() => {
    if (!ref.current) return;
    const c = echarts.init(ref.current);
    chart.current = c;
    c.on('click', (p) => click.current?.({ name: String(p.name), seriesName: p.seriesName, dataIndex: p.dataIndex }));
    const resize = new ResizeObserver(() => c.resize());
    resize.observe(ref.current);
    return () => {
      resize.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={ref} style={{ width: '100%', height, cursor: onClick ? 'pointer' : undefined }} data-testid={testId} />;
}
