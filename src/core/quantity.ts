// Kubernetes resource quantities. Parsing goes through @kubernetes/client-node's own helper so
// we agree with the API server; formatting picks the unit a human would write in a manifest.
import { quantityToScalar } from '@kubernetes/client-node/dist/util.js';

const BINARY_DECIMAL = /^([0-9]*\.?[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei)$/;
const BINARY_FACTORS: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The quantity as a plain number (bytes, or cores), or undefined when it is not a quantity. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  // client-node parses suffixed values with BigInt, which rejects fractions such as "1.5Gi".
  const fractional = BINARY_DECIMAL.exec(text);
  if (fractional?.[1] && fractional[2] && fractional[1].includes('.')) {
    return Number(fractional[1]) * (BINARY_FACTORS[fractional[2]] ?? Number.NaN);
  }
  try {
    const scalar = quantityToScalar(text);
    const result = typeof scalar === 'bigint' ? Number(scalar) : scalar;
    return Number.isFinite(result) ? result : undefined;
  } catch {
    return undefined;
  }
}

/** Bytes → the largest binary unit that keeps an integer (e.g. 1073741824 → "1Gi", 805306368 → "768Mi"). */
export function formatMemory(bytes: number): string {
  const rounded = Math.ceil(bytes / 2 ** 20) * 2 ** 20;
  for (const unit of ['Ti', 'Gi', 'Mi'] as const) {
    const factor = BINARY_FACTORS[unit] ?? 1;
    if (rounded % factor === 0) return `${rounded / factor}${unit}`;
  }
  return `${rounded / 2 ** 20}Mi`;
}

/** Cores → millicores or whole cores (0.4 → "400m", 2 → "2"). */
export function formatCpu(cores: number): string {
  const milli = Math.ceil(cores * 1000);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** Rounds memory up to a tidy step so that proposals read like a human wrote them (640Mi, 768Mi, 1Gi). */
export function tidyMemory(bytes: number): number {
  const mi = bytes / 2 ** 20;
  const step = mi <= 256 ? 32 : mi <= 1024 ? 128 : mi <= 4096 ? 256 : 1024;
  return Math.ceil(mi / step) * step * 2 ** 20;
}

/** Rounds CPU up to a tidy step (50m under 1 core, 100m under 4, whole cores above). */
export function tidyCpu(cores: number): number {
  const step = cores < 1 ? 0.05 : cores < 4 ? 0.1 : 1;
  return Math.round(Math.ceil(cores / step - 1e-9) * step * 1000) / 1000;
}
