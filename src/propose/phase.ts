// An incident's phase, derived only from forge state (labels, PR state, the meta block), so that
// `aegis incident list` and any bot replica agree without a database of their own.
import type { ForgeItem } from '../forge/forge.js';
import { LABELS } from './naming.js';
import { type Phase, type PrMeta, parsePrMeta } from './pr-meta.js';

export interface IncidentRow {
  phase: Phase;
  type: ForgeItem['type'];
  number: number;
  url: string;
  title: string;
  state: ForgeItem['state'];
  labels: string[];
  meta?: PrMeta;
}

export function derivePhase(item: Pick<ForgeItem, 'type' | 'state' | 'labels' | 'body'>): Phase {
  const has = (label: string) => item.labels.includes(label);
  const meta = parsePrMeta(item.body);
  if (has(LABELS.reverted) || meta?.phase === 'reverted') return 'reverted';
  if (has(LABELS.verifiedInProd) || meta?.phase === 'resolved') return 'resolved';
  if (item.type === 'issue') return item.state === 'open' ? 'detected' : 'resolved';
  if (item.state === 'merged') return 'merged';
  if (item.state === 'closed') return 'resolved';
  if (has(LABELS.verifyFailed)) return 'failed';
  if (has(LABELS.verifyPassed)) return 'verified';
  if (has(LABELS.verifyRunning)) return 'verifying';
  return 'proposed';
}

export function incidentRows(items: ForgeItem[]): IncidentRow[] {
  return items.map((item) => {
    const meta = parsePrMeta(item.body);
    return {
      phase: derivePhase(item),
      type: item.type,
      number: item.number,
      url: item.url,
      title: item.title,
      state: item.state,
      labels: item.labels,
      ...(meta ? { meta } : {}),
    };
  });
}
