// A scanner the repo switched off still shows up in the report, as skipped with the reason.
import type { ScannerName, ScanResult } from '../types.js';

export function disabledScan(scanner: ScannerName): ScanResult {
  return skippedScan(scanner, `disabled by verification.scanners.${scanner}: false in .github/aegis.yml`);
}

export function skippedScan(scanner: ScannerName, reason: string): ScanResult {
  return { scanner, status: 'skipped', reason, targets: [], newFindings: [] };
}
