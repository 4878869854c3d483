// The exec renderer: kubectl and helm run with Go's collector off up to a memory limit (they live
// for a fraction of a second per render) unless the user chose GOGC or GOMEMLIMIT, and a failed
// render is reported by its error line. Less urgent renders run at a lower priority.
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { errorLine, execRenderer } from '../../src/gitops/renderer.js';
import { backgroundNiceness } from '../../src/process/niceness.js';
import { fakeBinDir } from '../support/fake-bin.js';

afterEach(() => vi.unstubAllEnvs());

/** A fake `kubectl` from a shell body; its path. */
async function fakeKubectl(body: string): Promise<string> {
  return path.join((await fakeBinDir({ kubectl: body })).dir, 'kubectl');
}

/** A `kubectl` that prints the Go variables it was started with as a ConfigMap's data. */
const envPrintingKubectl = () =>
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a JS template
  fakeKubectl('printf "GOGC=%s GOMEMLIMIT=%s\\n" "${GOGC-unset}" "${GOMEMLIMIT-unset}"');

describe('execRenderer environment', () => {
  it('turns Go garbage collection off up to a memory limit', async () => {
    vi.stubEnv('GOGC', undefined);
    vi.stubEnv('GOMEMLIMIT', undefined);
    const out = await execRenderer({ kubectl: await envPrintingKubectl() }).kustomize('.');
    expect(out.trim()).toBe('GOGC=off GOMEMLIMIT=1GiB');
  });

  it("keeps the user's own GOGC or GOMEMLIMIT", async () => {
    vi.stubEnv('GOGC', '200');
    vi.stubEnv('GOMEMLIMIT', undefined);
    const out = await execRenderer({ kubectl: await envPrintingKubectl() }).kustomize('.');
    expect(out.trim()).toBe('GOGC=200 GOMEMLIMIT=unset');
  });
});

describe('execRenderer priority', () => {
  // kubectl waits a moment before reading its niceness: the priority is set just after it starts.
  const nicenessPrintingKubectl = () => fakeKubectl('sleep 0.3\nnice');

  it.each([
    ['less urgent work (the render of the unchanged manifests)', { background: true }, backgroundNiceness()],
    ['other renders', {}, os.getPriority()],
  ])('runs %s at the matching niceness', async (_what, options, niceness) => {
    const out = await execRenderer({ kubectl: await nicenessPrintingKubectl() }).kustomize('.', options);
    expect(Number(out.trim())).toBe(niceness);
  });
});

describe('a failed render', () => {
  /** A `kubectl` that fails as kubectl 1.32 does: a deprecation warning, then a klog error line. */
  const failingKubectl = (stderr: string) => fakeKubectl(`cat >&2 <<'STDERR'\n${stderr}STDERR\nexit 1`);

  it('names the error, not the deprecation warning printed before it', async () => {
    const kubectl = await failingKubectl(
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
