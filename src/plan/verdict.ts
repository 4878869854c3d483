/** A guardrail's answer: allowed, or refused with the reason a reviewer reads. */
export type Verdict = { ok: true } | { ok: false; reason: string };

export const OK: Verdict = { ok: true };
export const deny = (reason: string): Verdict => ({ ok: false, reason });
