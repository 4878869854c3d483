// The exec renderer: kubectl and helm run with Go's collector off up to a memory limit (they live
// for a fraction of a second per render) unless the user chose GOGC or GOMEMLIMIT, and a failed
// render is reported by its error line.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorLine, execRenderer } from '../../src/gitops/renderer.js';

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
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a JS template
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

describe('a failed render', () => {
  /** A `kubectl` that fails as kubectl 1.32 does: a deprecation warning, then a klog error line. */
  function failingKubectl(stderr: string): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'aegis-renderer-err-'));
    dirs.push(dir);
    const bin = path.join(dir, 'kubectl');
    writeFileSync(path.join(dir, 'stderr'), stderr);
    writeFileSync(bin, `#!/bin/sh\ncat '${path.join(dir, 'stderr')}' >&2\nexit 1\n`);
    chmodSync(bin, 0o755);
    return bin;
  }

  it('names the error, not the deprecation warning printed before it', async () => {
    const kubectl = failingKubectl(
      "# Warning: 'patchesStrategicMerge' is deprecated. Please use 'patches' instead.\n" +
        'E1207 06:01:46.960147   32279 run.go:72] "command failed" err="accumulating resources: \\"nothere.yaml\\" not found"\n',
    );
    await expect(execRenderer({ kubectl }).kustomize('.')).rejects.toThrow(
      'kubectl kustomize: accumulating resources: "nothere.yaml" not found',
    );
  });

  it('keeps an `error:` line of older kubectl and helm as it is', () => {
    expect(errorLine('W1207 06:01:46.1 1 warnings.go:70] something\nerror: no such file\n')).toBe(
      'error: no such file',
    );
    expect(errorLine('Error: INSTALLATION FAILED: chart not found\n')).toBe(
      'Error: INSTALLATION FAILED: chart not found',
    );
    expect(errorLine('\n')).toBeUndefined();
  });
});
