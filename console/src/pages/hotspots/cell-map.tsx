import { useEffect, useMemo, useRef } from 'react';
import { echarts, type ECharts } from '../../charts/echarts';
import { LineChart, ScatterChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import type { LineSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import type { DataZoomComponentOption, GridComponentOption, TooltipComponentOption, VisualMapComponentOption } from 'echarts/components';
import { useT } from '../../i18n';
import { outline } from './hull';
import type { Hotspot, MapCell } from './hotspot-types';

// The map is a scatter of cells on lon/lat axes: no geographic tiles, nothing fetched from outside.
echarts.use([ScatterChart, LineChart, GridComponent, TooltipComponent, VisualMapComponent, DataZoomComponent]);

type MapOption = ComposeOption<ScatterSeriesOption | LineSeriesOption | GridComponentOption | TooltipComponentOption | VisualMapComponentOption | DataZoomComponentOption>;

/** One point: lon, lat, complaints, open complaints, cell id, cell name. */
type Point = [number, number, number, number, string, string];

interface CellMapProps {
  cells: MapCell[];
  hotspots: Hotspot[];
  selectedHotspot: number | null;
  selectedCell: string | null;
  onCell: (cellId: string) => void;
  onHotspot: (id: number) => void;
}

/**
 * Cells coloured by their open complaints in the chosen window (grey: none), sized by all their
 * complaints; every hotspot outlined (solid red while open, dashed grey once closed); drag and
 * wheel to pan and zoom. A click on a cell or an outline selects it.
 */
export function CellMap({ cells, hotspots, selectedHotspot, selectedCell, onCell, onHotspot }: CellMapProps) {
  const t = useT();
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const handlers = useRef({ onCell, onHotspot });
  handlers.current = { onCell, onHotspot };

  useEffect(() => {
    if (!ref.current) return;
    const c = echarts.init(ref.current);
    chart.current = c;
    c.on('click', (p) => {
      const sid = String(p.seriesId ?? '');
      if (sid === 'cells' || sid === 'rings') handlers.current.onCell((p.data as Point)[4]);
      else if (sid.startsWith('hs-')) handlers.current.onHotspot(Number(sid.slice(3)));
    });
    const resize = new ResizeObserver(() => c.resize());
    resize.observe(ref.current);
    return () => {
      resize.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  const option = useMemo<MapOption>(() => {
    const byId = new Map(cells.map((c) => [c.id, c]));
    // cells of one site share a position: the ones with more complaints are drawn last, on top
    const points: Point[] = cells.map((c): Point => [c.lon, c.lat, c.complaints, c.openComplaints, c.id, c.name])
      .sort((a, b) => a[3] - b[3] || a[2] - b[2]);
    const maxOpen = Math.max(1, ...cells.map((c) => c.openComplaints));
    const lons = cells.map((c) => c.lon);
    const lats = cells.map((c) => c.lat);
    const extent = cells.length ? Math.max(Math.max(...lons) - Math.min(...lons), Math.max(...lats) - Math.min(...lats)) : 0;
    const pad = Math.max(0.0015, extent * 0.015);
    const inHotspot = new Set(hotspots.flatMap((h) => h.cells));
    const rings: Point[] = points.filter((p) => inHotspot.has(p[4]) || p[4] === selectedCell);
    const outlines: LineSeriesOption[] = hotspots.map((h) => {
      const pts = h.cells.map((id) => byId.get(id)).filter((c): c is MapCell => !!c).map((c): [number, number] => [c.lon, c.lat]);
      const selected = h.id === selectedHotspot;
      return {
        type: 'line', id: `hs-${h.id}`, name: `#${h.id}`, data: outline(pts, pad), symbol: 'none', z: 5,
        lineStyle: { color: h.status === 'open' ? '#cf1322' : '#8c8c8c', width: selected ? 4 : 2, type: h.status === 'open' ? 'solid' : 'dashed' },
        emphasis: { lineStyle: { width: 4 } },
        tooltip: { formatter: () => `${t('hotspots.hotspot', { id: h.id })}<br/>${t('hotspots.tooltipTickets', { n: h.ticketCount, cells: h.cells.length })}` },
        triggerLineEvent: true,
      };
    });
    return {
      animation: false,
      grid: { left: 56, right: 24, top: 40, bottom: 48 },
      xAxis: { type: 'value', scale: true, name: t('hotspots.lon'), nameLocation: 'middle', nameGap: 28, axisLabel: { formatter: (v: number) => v.toFixed(2) } },
      yAxis: { type: 'value', scale: true, name: t('hotspots.lat'), nameLocation: 'middle', nameGap: 42, axisLabel: { formatter: (v: number) => v.toFixed(2) } },
      dataZoom: [{ type: 'inside', xAxisIndex: 0, filterMode: 'none' }, { type: 'inside', yAxisIndex: 0, filterMode: 'none' }],
      visualMap: {
        type: 'continuous', seriesIndex: 0, dimension: 3, min: 0, max: maxOpen, calculable: false, orient: 'horizontal',
        right: 16, top: 4, itemHeight: 120, text: [t('hotspots.legendMany', { n: maxOpen }), t('hotspots.legendNone')],
        inRange: { color: ['#d9d9d9', '#ffe58f', '#ff9c6e', '#f5222d', '#820014'] },
      },
      tooltip: {
        trigger: 'item',
        formatter: (p: unknown) => {
          const d = (p as { data: Point }).data;
          if (!Array.isArray(d) || d.length < 6) return '';
          return `${d[5]} (${d[4]})<br/>${t('hotspots.tooltipComplaints', { n: d[2], open: d[3] })}`;
        },
      },
      series: [
        {
          type: 'scatter', id: 'cells', data: points, z: 3,
          symbolSize: (v: Point) => 6 + Math.min(18, Math.sqrt(v[2]) * 4),
          itemStyle: { borderColor: '#595959', borderWidth: 0.5, opacity: 0.9 },
          emphasis: { itemStyle: { borderColor: '#000', borderWidth: 2 } },
        },
        {
          type: 'scatter', id: 'rings', data: rings, z: 4,
          symbolSize: (v: Point) => 12 + Math.min(18, Math.sqrt(v[2]) * 4),
          itemStyle: { color: 'rgba(0,0,0,0)', borderColor: '#cf1322', borderWidth: 1.5 },
        },
        ...outlines,
      ],
    };
  }, [cells, hotspots, selectedHotspot, selectedCell, t]);

  useEffect(() => {
    // replace the series, keep the zoom the user chose
    chart.current?.setOption(option, { replaceMerge: ['series'] });
  }, [option]);

  return <div ref={ref} style={{ width: '100%', height: 520 }} data-testid="hotspot-map" />;
}
