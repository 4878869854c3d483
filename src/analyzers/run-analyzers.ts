// Runs the deterministic analyzers in order of specificity: a precise cause (missing ConfigMap,
// wrong probe port, OOM) wins over the symptom it produces (crash loop, stalled rollout).
import type { Finding } from '../core/types.js';
import { configReference } from './config-reference.js';
import { type Analyzer, type AnalyzerContext, noneFinding } from './context.js';
import { cpuThrottling } from './cpu-throttling.js';
import { crashLoop } from './crash-loop.js';
import { eventRef, failureLines } from './evidence-queries.js';
import { hpaMaxed } from './hpa-maxed.js';
import { imagePull } from './image-pull.js';
import { nodeFailure } from './node-failure.js';
import { oomKilled } from './oom-killed.js';
import { probeFailure } from './probe-failure.js';
import { rolloutStuck } from './rollout-stuck.js';
import { serviceSelector } from './service-selector.js';
import { unschedulable } from './unschedulable.js';
import { volumePending } from './volume-pending.js';

export const ANALYZERS: readonly Analyzer[] = [
  nodeFailure,
  cpuThrottling,
  hpaMaxed,
  configReference,
  imagePull,
  volumePending,
  unschedulable,
  oomKilled,
  probeFailure,
  crashLoop,
  serviceSelector,
  rolloutStuck,
];

const SYMPTOMS = new Set(['crash-loop', 'rollout-stuck']);

export interface AnalysisResult {
  finding: Finding;
  /** Every analyzer that recognised something, in order (the first is `finding`). */
  matched: Finding[];
}

export function runAnalyzers(
  context: AnalyzerContext,
  analyzers: readonly Analyzer[] = ANALYZERS,
): AnalysisResult {
  const matched: Finding[] = [];
  for (const analyzer of analyzers) {
    const finding = analyzer.analyze(context);
    if (finding) matched.push(finding);
  }
  const [first, ...rest] = matched;
  if (!first) return { finding: unknownFinding(context), matched };
  // Crash loops and stalled rollouts are what most causes look like from outside; repeating
  // them under a precise cause is noise for the reviewer.
  const also = rest
    .filter((f) => !SYMPTOMS.has(f.diagnosis.category))
    .map((f) => `Also observed (${f.diagnosis.category}): ${f.diagnosis.summary}`);
  const finding: Finding = {
    diagnosis: { ...first.diagnosis, hypotheses: [...first.diagnosis.hypotheses, ...also] },
    plan: first.plan,
  };
  return { finding: applyPolicy(finding, context), matched };
}

/** Repo policy can demand report-only categories and a minimum confidence for patches. */
function applyPolicy(finding: Finding, { config }: AnalyzerContext): Finding {
  if (finding.plan.action !== 'patch') return finding;
  const { category, confidence } = finding.diagnosis;
  if (config.reportOnly.includes(category)) {
    return {
      ...finding,
      plan: {
        action: 'none',
        reason: `Repo policy makes ${category} report-only (reportOnly in .github/aegis.yml).`,
        operations: [],
      },
    };
  }
  if (confidence < config.minConfidence) {
    return {
      ...finding,
      plan: {
        action: 'none',
        reason: `Confidence ${confidence} is under the repo's minConfidence ${config.minConfidence}.`,
        operations: [],
      },
    };
  }
  return finding;
}

function unknownFinding({ incident, evidence }: AnalyzerContext): Finding {
  const warnings = evidence.events.filter((e) => e.type === 'Warning').slice(-3);
  const logs = failureLines(evidence);
  return noneFinding(
    'unknown',
    {
      summary: `No rule recognises the failure behind ${incident.alertname}${evidence.workload ? ` on ${evidence.workload.kind} ${evidence.workload.name}` : ''}.${missingWorkload(incident, evidence)}`,
      rootCause: 'Unknown.',
      confidence: 0.2,
      evidenceRefs: warnings.map(eventRef),
      hypotheses: [
        ...logs.map((l) => `Log: ${l}`),
        ...warnings.map((e) => `Event ${e.reason}: ${e.message ?? ''}`),
        'The cause may be outside the cluster (an external dependency or a cloud outage).',
      ].slice(0, 6),
    },
    'No confident fix: AEGIS changes nothing and reports what it saw.',
  );
}

/** Says so when the alert names a workload the evidence does not contain (wrong cluster, deleted). */
function missingWorkload(
  incident: AnalyzerContext['incident'],
  evidence: AnalyzerContext['evidence'],
): string {
  const named = incident.workload;
  if (!named || evidence.workload) return '';
  return ` ${named.kind} ${named.name} is not in the evidence (${evidence.notes.slice(0, 2).join('; ') || 'not found'}).`;
}
