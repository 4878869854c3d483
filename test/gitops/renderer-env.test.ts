// The exec renderer runs kubectl and helm with Go's collector off up to a memory limit (they live
// for a fraction of a second per render), unless the user chose GOGC or GOMEMLIMIT.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { execRenderer } from '../../src/gitops/renderer.js';

const dirs: string[] = [];
afterEach(() => {
  vi.unstubAllEnvs();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A `kubectl` that prints the Go variables it was started with as a ConfigMap's data. */
function envPrintingKubectl(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aegis-renderer-env-'));
  dirs.push(dir);
  const bin = path.join(dir, 'kubectl');
  writeFileSync(bin, '#!/bin/sh\nprintf "GOGC=%s GOMEMLIMIT=%s\\n" "${GOGC-unset}" "${GOMEMLIMIT-unset}"\n');
  chmodSync(bin, 0o755);
  return bin;
}

describe('execRenderer environment', () => {
  it('turns Go garbage collection off up to a memory limit', async () => {
    vi.stubEnv('GOGC', undefined);
    vi.stubEnv('GOMEMLIMIT', undefined);
    const out = await execRenderer({ kubectl: envPrintingKubectl() }).kustomize('.');
    expect(out.trim()).toBe('GOGC=off GOMEMLIMIT=1GiB');
  });

  it("keeps the user's own GOGC or GOMEMLIMIT", async () => {
    vi.stubEnv('GOGC', '200');
    vi.stubEnv('GOMEMLIMIT', undefined);
    const out = await execRenderer({ kubectl: envPrintingKubectl() }).kustomize('.');
    expect(out.trim()).toBe('GOGC=200 GOMEMLIMIT=unset');
  });
});
