// A structural reader for the `xychart-beta` blocks the report writes: enough of Mermaid's
// grammar to check axes and series, so a test fails on a malformed chart, not only a changed one.

export interface XyChart {
  title: string;
  xLabels: number[];
  yMax: number;
  lines: number[][];
}

export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1] ?? '');
}

export function parseXyChart(block: string): XyChart {
  const lines = block.split('\n').map((line) => line.trim());
  if (lines[0] !== 'xychart-beta') throw new Error(`not an xychart-beta block: ${lines[0]}`);
  const numbers = (list: string) => list.split(',').map((v) => Number(v.trim()));
  let title = '';
  let xLabels: number[] | undefined;
  let yMax: number | undefined;
  const series: number[][] = [];
  for (const line of lines.slice(1)) {
    const m =
      line.match(/^title "([^"]*)"$/) ??
      line.match(/^x-axis "[^"]*" \[([^\]]*)\]$/) ??
      line.match(/^y-axis "[^"]*" 0 --> (\d+(?:\.\d+)?)$/) ??
      line.match(/^line \[([^\]]*)\]$/);
    if (!m?.[1]) throw new Error(`unexpected xychart line: ${line}`);
    if (line.startsWith('title')) title = m[1];
    else if (line.startsWith('x-axis')) xLabels = numbers(m[1]);
    else if (line.startsWith('y-axis')) yMax = Number(m[1]);
    else series.push(numbers(m[1]));
  }
  if (!xLabels || yMax === undefined) throw new Error('xychart without both axes');
  for (const values of [xLabels, ...series]) {
    if (values.some((v) => !Number.isFinite(v))) throw new Error(`non-numeric values: ${values}`);
  }
  return { title, xLabels, yMax, lines: series };
}
