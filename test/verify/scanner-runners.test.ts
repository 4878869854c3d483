// The runners execute real processes: fake `trivy` and `zap-baseline.py` shell scripts on PATH
// that print upstream fixture reports, crash, hang, or are absent.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTrivyScan } from '../../src/verify/scanners/trivy.js';
import { runZapScan } from '../../src/verify/scanners/zap.js';
import { fakeBinDir } from '../support/fake-bin.js';
import { TRIVY_DIR, ZAP_DIR } from './helpers/scanner-fixtures.js';

const GATE = ['CRITICAL', 'HIGH'];

// Prints the report named after the image; records its arguments so the command line is tested.
const FAKE_TRIVY = `
echo "$@" >> "$(dirname "$0")/trivy.args"
for last; do :; done
case "$last" in
  base:1) cat "${TRIVY_DIR}/trivy.alpine-310.json" ;;
  head:2) cat "${TRIVY_DIR}/trivy.debian-buster.json" ;;
  same:1) cat "${TRIVY_DIR}/trivy.debian-buster.json" ;;
  sarif:1) cat "${TRIVY_DIR}/trivy.alpine-310.sarif.json" ;;
  *) echo "2024-05-01T10:00:00Z FATAL image scan error: unable to find $last token=hunter2secret" >&2; exit 1 ;;
esac
`;

describe('runTrivyScan', () => {
  it('runs `trivy image --format json --quiet` on base and head and reports what head adds', async () => {
    const { dir, env } = await fakeBinDir({ trivy: FAKE_TRIVY });
    const result = await runTrivyScan([{ base: 'base:1', head: 'head:2' }], GATE, { timeoutMs: 10_000, env });
    expect(result).toMatchObject({
      scanner: 'trivy',
      status: 'ran',
      targets: ['head:2'],
      newFindings: [{ id: 'CVE-2019-18224', severity: 'CRITICAL', where: 'head:2 libidn2-0@2.0.5-1' }],
    });
    const args = (await readFile(path.join(dir, 'trivy.args'), 'utf8')).trim().split('\n');
    expect(args).toEqual([
      'image --format json --quiet --scanners vuln head:2',
      'image --format json --quiet --scanners vuln base:1',
    ]);
  });

  it('finds nothing new when head carries the same vulnerabilities as base', async () => {
    const { env } = await fakeBinDir({ trivy: FAKE_TRIVY });
    const result = await runTrivyScan([{ base: 'same:1', head: 'head:2' }], GATE, { timeoutMs: 10_000, env });
    expect(result).toMatchObject({ status: 'ran', newFindings: [] });
  });

  it('is skipped, with the reason, when trivy is not installed', async () => {
    const { env } = await fakeBinDir({});
    const result = await runTrivyScan([{ head: 'head:2' }], GATE, { timeoutMs: 10_000, env });
    expect(result.status).toBe('skipped');
    expect(result.reason).toMatch(/trivy was not found on PATH.*verification\.scanners\.trivy: false/);
  });

  it('is skipped when the PR changes no images', async () => {
    const result = await runTrivyScan([], GATE, { timeoutMs: 10_000, env: { PATH: '' } });
    expect(result).toMatchObject({ status: 'skipped', reason: 'the PR changes no images' });
  });

  it('is an error naming the image and trivy’s last line, redacted, when trivy fails', async () => {
    const { env } = await fakeBinDir({ trivy: FAKE_TRIVY });
    const result = await runTrivyScan([{ base: 'gone:0', head: 'head:2' }], GATE, { timeoutMs: 10_000, env });
    expect(result.status).toBe('error');
    expect(result.reason).toMatch(/^trivy on gone:0 exited 1: .*FATAL image scan error/);
    expect(result.reason).not.toContain('hunter2secret');
  });

  it('is an error when the output is not Trivy JSON', async () => {
    const { env } = await fakeBinDir({ trivy: FAKE_TRIVY });
    const result = await runTrivyScan([{ head: 'sarif:1' }], GATE, { timeoutMs: 10_000, env });
    expect(result).toMatchObject({ status: 'error', reason: expect.stringContaining('SARIF') });
  });

  it('is an error, not a hang, when trivy outlives its timeout', async () => {
    const { env } = await fakeBinDir({ trivy: 'exec sleep 30' });
    const started = Date.now();
    const result = await runTrivyScan([{ head: 'head:2' }], GATE, { timeoutMs: 300, env });
    expect(result).toMatchObject({ status: 'error', reason: expect.stringContaining('timed out') });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

// zap-baseline.py writes the -J report into its working directory (outside the ZAP image) and
// exits 2 when only WARN rules fired; the report depends on which site it scanned.
const FAKE_ZAP = `
while getopts "t:J:m:" opt; do
  case "$opt" in t) target="$OPTARG" ;; J) report="$OPTARG" ;; m) ;; esac
done
case "$target" in
  http://control*) cp "${ZAP_DIR}/securecodebox.zap-baseline-bodgeit.json" "$report"; exit 2 ;;
  http://candidate*) cp "${ZAP_DIR}/zap-extensions.basic-traditional-json.json" "$report"; exit 1 ;;
  http://clean*) cp "${ZAP_DIR}/securecodebox.zap-baseline-bodgeit.json" "$report"; exit 0 ;;
  http://noreport*) exit 0 ;;
  *) echo "ZAP failed to access: $target" >&2; exit 3 ;;
esac
`;

describe('runZapScan', () => {
  it('scans both sides and reports High alerts only the candidate raised (exit codes 1 and 2 are results)', async () => {
    const { env } = await fakeBinDir({ 'zap-baseline.py': FAKE_ZAP });
    const result = await runZapScan(
      { control: 'http://control:8080', candidate: 'http://candidate:8080' },
      ['High'],
      { timeoutMs: 10_000, env, reportDirs: [] },
    );
    expect(result).toMatchObject({
      scanner: 'zap',
      status: 'ran',
      targets: ['http://control:8080', 'http://candidate:8080'],
      newFindings: [{ id: '1', severity: 'High', title: 'XSS' }],
    });
  });

  it('finds nothing new when both sides raise the same alerts', async () => {
    const { env } = await fakeBinDir({ 'zap-baseline.py': FAKE_ZAP });
    const result = await runZapScan(
      { control: 'http://control:1', candidate: 'http://clean:1' },
      ['High', 'Medium'],
      {
        timeoutMs: 10_000,
        env,
        reportDirs: [],
      },
    );
    expect(result).toMatchObject({ status: 'ran', newFindings: [] });
  });

  it('is skipped, with the reason, when zap-baseline.py is not installed', async () => {
    const { env } = await fakeBinDir({});
    const result = await runZapScan(
      { control: 'http://control:1', candidate: 'http://candidate:1' },
      ['High'],
      {
        timeoutMs: 10_000,
        env,
      },
    );
    expect(result.status).toBe('skipped');
    expect(result.reason).toMatch(/zap-baseline\.py was not found on PATH/);
  });

  it.each([
    ['ZAP itself failed (exit 3)', 'http://unreachable:1', /exited 3: ZAP failed to access/],
    ['no report was written', 'http://noreport:1', /wrote no JSON report/],
  ])('is an error when %s', async (_what, candidate, reason) => {
    const { env } = await fakeBinDir({ 'zap-baseline.py': FAKE_ZAP });
    const result = await runZapScan({ control: 'http://control:1', candidate }, ['High'], {
      timeoutMs: 10_000,
      env,
      reportDirs: [],
    });
    expect(result.status).toBe('error');
    expect(result.reason).toMatch(reason);
  });
});
