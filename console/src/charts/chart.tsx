import { useEffect, useRef, type CSSProperties } from 'react';
import { echarts, type ChartOption, type ECharts } from './echarts';

/** One ECharts chart that follows its container's size and the given option. */
export function Chart({ option, style, testId }: { option: ChartOption; style?: CSSProperties; testId?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);

  useEffect(() => {
    if (!ref.current) return;
    const c = echarts.init(ref.current);
    chart.current = c;
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

  return <div ref={ref} style={{ width: '100%', height: 320, ...style }} data-testid={testId} />;
}
