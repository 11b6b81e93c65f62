/** Lag over time (uPlot): one line per topic and the total, from samples the page takes while it is open. */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface LagSample {
  /** Seconds since the epoch. */
  at: number;
  total: number;
  byTopic: Record<string, number>;
}

const PALETTE = ['#6366f1', '#0ea5e9', '#f59e0b', '#10b981', '#ef4444', '#a855f7', '#14b8a6', '#f97316'];

export function LagChart({ samples }: { samples: LagSample[] }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const topics = [...new Set(samples.flatMap((s) => Object.keys(s.byTopic)))].sort();
  const shape = topics.join('\u0000');
  // Rebuilt when the set of topics changes; otherwise only its data is replaced.
  // biome-ignore lint/correctness/useExhaustiveDependencies: rebuilt only when the topics (shape) change.
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const dark = window.matchMedia?.('(prefers-color-scheme: dark)').matches;
    const axis = {
      stroke: dark ? '#94a3b8' : '#64748b',
      grid: { stroke: dark ? '#1e293b' : '#e2e8f0' },
      ticks: { stroke: dark ? '#334155' : '#cbd5e1' },
    };
    const chart = new uPlot(
      {
        width: element.clientWidth || 600,
        height: 220,
        scales: {
          // At least the last minute, so the first samples do not spread over years.
          x: { time: true, range: (_u, min, max) => [Math.min(min, max - 60), max] },
          y: { range: (_u, _min, max) => [0, Math.max(10, max * 1.1)] },
        },
        axes: [axis, { ...axis, size: 60 }],
        legend: { show: true },
        series: [
          {},
          { label: 'total', stroke: dark ? '#e2e8f0' : '#0f172a', width: 2 },
          ...topics.map((topic, i) => ({ label: topic, stroke: PALETTE[i % PALETTE.length], width: 1.5 })),
        ],
      },
      [[], [], ...topics.map(() => [])],
      element,
    );
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: element.clientWidth, height: 220 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [shape]);
  useEffect(() => {
    plot.current?.setData([
      samples.map((s) => s.at),
      samples.map((s) => s.total),
      ...topics.map((topic) => samples.map((s) => s.byTopic[topic] ?? null)),
    ] as uPlot.AlignedData);
  });
  return <div className="chart" ref={box} data-testid="lag-chart" />;
}
