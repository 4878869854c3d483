// Number formatting shared by verdict reasons and the Markdown report, so both say the same.

export function ms(value: number): string {
  return `${value >= 100 ? Math.round(value) : Math.round(value * 10) / 10} ms`;
}

export function percent(rate: number): string {
  return `${(rate * 100).toFixed(2)}%`;
}

export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

export function seconds(msValue: number): string {
  return `${Math.round(msValue / 100) / 10} s`;
}

export function mebibytes(bytes: number): number {
  return Math.round((bytes / (1024 * 1024)) * 10) / 10;
}

export function rps(value: number): string {
  return `${Math.round(value * 10) / 10} req/s`;
}
