// A Mermaid `xychart-beta` of one metric over time, control and candidate as two line series.
// xychart-beta has no legend and no gaps, so the series order is stated beside the chart, the
// sides share one x-axis of whole seconds, and a side's missing second holds its last value.

export interface Point {
  tSec: number;
  value: number;
}

export interface ChartInput {
  title: string;
  yLabel: string;
  control: readonly Point[];
  candidate: readonly Point[];
  /** GitHub renders a long category axis unreadably; beyond this, seconds are merged (max). */
  maxPoints?: number;
}

export interface Chart {
  mermaid: string;
  /** Which line is which, and anything left out. */
  legend: string;
}

const DEFAULT_MAX_POINTS = 40;

export function xyChart(input: ChartInput): Chart | undefined {
  const sides = [
    { name: 'control (base)', points: byTime(input.control) },
    { name: 'candidate (head)', points: byTime(input.candidate) },
  ].filter((side) => side.points.length > 0);
  if (sides.length === 0) return undefined;
  const seconds = [...new Set(sides.flatMap((side) => side.points.map((p) => Math.round(p.tSec))))].sort(
    (a, b) => a - b,
  );
  const groups = group(seconds, input.maxPoints ?? DEFAULT_MAX_POINTS);
  const lines = sides.map((side) => groups.map((secs) => valueAt(side.points, secs)));
  const top = niceCeiling(Math.max(...lines.flat()));
  const mermaid = [
    'xychart-beta',
    `  title "${quote(input.title)}"`,
    `  x-axis "time (s)" [${groups.map((secs) => secs[0]).join(', ')}]`,
    `  y-axis "${quote(input.yLabel)}" 0 --> ${top}`,
    ...lines.map((values) => `  line [${values.join(', ')}]`),
  ].join('\n');
  const order = sides.map((side, i) => `${i === 0 ? 'first' : 'second'} line: ${side.name}`).join(', ');
  const missing = sides.length < 2 ? `; no ${input.control.length ? 'candidate' : 'control'} samples` : '';
  return { mermaid, legend: `${order}${missing}` };
}

function byTime(points: readonly Point[]): Point[] {
  return [...points].sort((a, b) => a.tSec - b.tSec);
}

/** Consecutive seconds merged so that there are at most `max` groups. */
function group(seconds: readonly number[], max: number): number[][] {
  const size = Math.max(1, Math.ceil(seconds.length / max));
  const groups: number[][] = [];
  for (let i = 0; i < seconds.length; i += size) groups.push(seconds.slice(i, i + size));
  return groups;
}

/** The worst (max) value within the seconds, else the last value before them, else the first after. */
function valueAt(points: readonly Point[], secs: readonly number[]): number {
  const inGroup = points.filter((p) => secs.includes(Math.round(p.tSec))).map((p) => p.value);
  if (inGroup.length) return round(Math.max(...inGroup));
  const first = secs[0] ?? 0;
  const before = points.filter((p) => Math.round(p.tSec) < first).at(-1);
  return round((before ?? points[0])?.value ?? 0);
}

function niceCeiling(max: number): number {
  if (!(max > 0)) return 1;
  const padded = max * 1.1;
  const magnitude = 10 ** Math.floor(Math.log10(padded));
  return Math.ceil(padded / magnitude) * magnitude;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function quote(text: string): string {
  return text.replace(/"/g, "'");
}
