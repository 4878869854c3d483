// What the model must answer: a diagnosis in the fixed categories and a plan of typed operations
// (the same `Operation` union the rules use). zod is the single source of truth: the JSON schema
// Ollama constrains generation with is derived from it, and every answer is parsed with it again.
import { z } from 'zod';
import { Category, Operation } from '../core/types.js';

export const LlmDiagnosis = z
  .object({
    category: Category.describe('one of the fixed categories; "unknown" when the evidence does not show'),
    summary: z.string().min(1).max(600).describe('one or two sentences for the on-call engineer'),
    rootCause: z.string().min(1).max(1200).describe('the cause, in plain words, citing the evidence'),
    confidence: z.number().min(0).max(1).describe('0..1; below 0.7 means a human should look first'),
    evidenceRefs: z
      .array(z.string().max(300))
      .max(8)
      .describe('evidence lines that support the cause, quoted from the prompt'),
    hypotheses: z.array(z.string().max(400)).max(6).describe('other explanations worth checking'),
  })
  .strict();
export type LlmDiagnosis = z.infer<typeof LlmDiagnosis>;

export const LlmPlan = z
  .object({
    action: z.enum(['patch', 'none']).describe('"none" unless one small manifest change clearly fixes it'),
    reason: z.string().min(1).max(800).describe('why this change (or why no change)'),
    operations: z.array(Operation).max(5).describe('typed operations; empty for "none"'),
  })
  .strict();
export type LlmPlan = z.infer<typeof LlmPlan>;

export const LlmAnswer = z.object({ diagnosis: LlmDiagnosis, plan: LlmPlan }).strict();
export type LlmAnswer = z.infer<typeof LlmAnswer>;
