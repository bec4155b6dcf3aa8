/**
 * ECharts for the KPI dashboard and hotspot views, from `echarts/core` with only the charts
 * and components registered here, so the bundle does not carry the whole library. Register a
 * new chart type here when a page needs it; import this module only from lazily loaded pages.
 */
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { DatasetComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { ComposeOption } from 'echarts/core';
import type { BarSeriesOption, LineSeriesOption, PieSeriesOption } from 'echarts/charts';
import type {
  DatasetComponentOption, GridComponentOption, LegendComponentOption, TitleComponentOption, TooltipComponentOption,
} from 'echarts/components';

echarts.use([BarChart, LineChart, PieChart, DatasetComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent, CanvasRenderer]);

/** The options the registered parts understand (type-checks against what is registered). */
export type ChartOption = ComposeOption<
  | BarSeriesOption | LineSeriesOption | PieSeriesOption
  | DatasetComponentOption | GridComponentOption | LegendComponentOption | TitleComponentOption | TooltipComponentOption
>;

export { echarts };
