/**
 * ECharts for the KPI dashboard and hotspot views, from `echarts/core` with only the charts
 * and components registered here, so the bundle does not carry the whole library. Register a
 * new chart type here when a page needs it; import this module only from charts that pages load
 * through `lazy-chart.tsx`. Named imports only: re-exporting the `echarts/core` namespace kept
 * every one of its exports in the bundle.
 */
import { init, use, type ComposeOption, type ECharts } from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';

use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/** The options the registered parts understand (type-checks against what is registered). */
export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption
>;

/** The parts of ECharts the charts use. */
export const echarts = { init, use };
export type { ECharts };
