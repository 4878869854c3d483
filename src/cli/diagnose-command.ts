// `aegis diagnose`: DESIGN.md §4. One JSON document with --json; a readable report otherwise.
import type { Command } from 'commander';
import { writeProposal } from '../gitops/propose.js';
import type { DiagnoseResult } from '../pipeline/diagnose.js';
import {
  addDiagnosisOptions,
  addDiagnosisTailOptions,
  type DiagnosisOptions,
  progressFor,
  runDiagnosis,
} from './diagnosis-inputs.js';
import { formatReport, toJsonDocument } from './format-result.js';

interface DiagnoseOptions extends DiagnosisOptions {
  json?: boolean;
  apply?: boolean;
}

export function registerDiagnose(program: Command): void {
  const command = program
    .command('diagnose')
    .description('Diagnose an alert and print the manifest patch that fixes it (or why none is safe).');
  addDiagnosisOptions(command, 'GitOps repository checkout to patch')
    .option('--json', 'print one JSON document: {incident, diagnosis, remediation}')
    .option('--apply', 'also write the patch into --repo (default: print only)');
  addDiagnosisTailOptions(command)
    .addHelpText(
      'after',
      '\nExamples:\n  aegis diagnose --alert alert.json --snapshot dump/ --repo ./gitops --json\n  aegis diagnose --alert alert.json --kubeconfig ~/.kube/config --context prod --repo ./gitops\n  aegis diagnose --alert - --snapshot dump/ --repo ./gitops --apply < alert.json',
    )
    .action(async (options: DiagnoseOptions) => {
      const result = await runDiagnose(options);
      process.stdout.write(
        options.json ? `${JSON.stringify(toJsonDocument(result), null, 2)}\n` : formatReport(result),
      );
    });
}

async function runDiagnose(options: DiagnoseOptions): Promise<DiagnoseResult> {
  const progress = progressFor(options);
  const result = await runDiagnosis(options, progress);
  if (options.apply && result.proposal) {
    await writeProposal(options.repo, result.proposal);
    progress(`wrote ${result.proposal.files.join(', ')}`);
  }
  return result;
}
