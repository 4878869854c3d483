// What every analyzer sees, and the small builders that keep their findings uniform.
import type { RepoConfig } from '../config/repo-config.js';
import type { Category, Evidence, Finding, Incident, Operation } from '../core/types.js';

export interface AnalyzerContext {
  incident: Incident;
  evidence: Evidence;
  config: RepoConfig;
  /** Images each container had in earlier commits of the GitOps repo, newest first. */
  gitImages?: Record<string, string[]>;
}

/** One deterministic analyzer: returns a finding when its failure class is present, else undefined. */
export interface Analyzer {
  category: Category;
  analyze(context: AnalyzerContext): Finding | undefined;
}

interface FindingText {
  summary: string;
  rootCause: string;
  confidence: number;
  evidenceRefs: string[];
  hypotheses?: string[];
}

export function patchFinding(
  category: Category,
  text: FindingText,
  operations: Operation[],
  reason: string,
): Finding {
  return {
    diagnosis: { category, source: 'rules', hypotheses: [], ...text },
    plan: { action: 'patch', reason, operations },
  };
}

export function noneFinding(category: Category, text: FindingText, reason: string): Finding {
  return {
    diagnosis: { category, source: 'rules', hypotheses: [], ...text },
    plan: { action: 'none', reason, operations: [] },
  };
}
