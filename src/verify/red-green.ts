// Red → green: did control (base) reproduce the incident and candidate (head) not? Which signal
// shows "the incident" follows the diagnosis category; without one, restarts plus OOM kills.
import type { Category } from '../core/types.js';
import { count } from './format.js';
import type { RedGreen, SideResult } from './types.js';

interface Signal {
  label: string;
  value(side: SideResult): number;
  /** A predicate, e.g. `had 3 OOM kills`, `never became ready`. */
  describe(n: number): string;
}

const OOM: Signal = {
  label: 'OOM kills',
  value: (side) => side.oomKills,
  describe: (n) => `had ${count(n, 'OOM kill')}`,
};
const RESTARTS: Signal = {
  label: 'restarts',
  value: (side) => side.restarts,
  describe: (n) => `had ${count(n, 'restart')}`,
};
const NOT_READY: Signal = {
  label: 'readiness',
  value: (side) => (side.ready ? 0 : 1),
  describe: (n) => (n > 0 ? 'never became ready' : 'became ready'),
};
const CRASHES: Signal = {
  label: 'restarts and OOM kills',
  value: (side) => side.restarts + side.oomKills,
  describe: (n) => `had ${count(n, 'restart or OOM kill', 'restarts and OOM kills')}`,
};

const SIGNAL_BY_CATEGORY: Partial<Record<Category, Signal>> = {
  'oom-killed': OOM,
  'crash-loop': RESTARTS,
  'probe-failure': RESTARTS,
  'image-pull': NOT_READY,
  'config-reference': NOT_READY,
  'rollout-stuck': NOT_READY,
  'service-selector': NOT_READY,
};

export function signalFor(category: Category | undefined): Signal {
  return (category && SIGNAL_BY_CATEGORY[category]) ?? CRASHES;
}

export function notEvaluated(why: string, category?: Category): RedGreen {
  return { outcome: 'not-evaluated', signal: signalFor(category).label, statement: `Not evaluated: ${why}.` };
}

export function redGreen(control: SideResult, candidate: SideResult, category?: Category): RedGreen {
  const signal = signalFor(category);
  const before = signal.value(control);
  const after = signal.value(candidate);
  const base = { signal: signal.label, control: before, candidate: after };
  if (before === 0) {
    const regression = after > 0 ? ` The candidate (head) ${signal.describe(after)}, though.` : '';
    return {
      ...base,
      outcome: 'not-reproduced',
      statement: `Not reproduced: control (base) ${signal.describe(before)} under this load, so this run cannot show that the change fixes the incident, only how the candidate compares.${regression}`,
    };
  }
  if (after === 0) {
    return {
      ...base,
      outcome: 'red-green',
      statement: `Red → green: control (base) reproduced the incident (it ${signal.describe(before)}) and candidate (head) did not (it ${signal.describe(after)}).`,
    };
  }
  return {
    ...base,
    outcome: 'still-red',
    statement: `Still red: control (base) reproduced the incident (it ${signal.describe(before)}) and candidate (head) shows it too (it ${signal.describe(after)}).`,
  };
}
