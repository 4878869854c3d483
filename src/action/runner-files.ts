// What the Action hands back to the runner, written as the runner reads it (no @actions/core: three
// file appends and one line format do not need a dependency in the bundle): step outputs appended
// to $GITHUB_OUTPUT, the Markdown job summary to $GITHUB_STEP_SUMMARY, and `::error::` /
// `::warning::` workflow commands on stdout. Outside a runner (no such file) outputs are skipped.
import { randomUUID } from 'node:crypto';
import { appendFile } from 'node:fs/promises';

export interface RunnerFiles {
  outputFile?: string;
  summaryFile?: string;
  /** Where workflow commands go (stdout in a job). */
  write: (line: string) => void;
}

/** `name=value`, or the heredoc form with a delimiter the value cannot contain when multi-line. */
export async function setOutput(files: RunnerFiles, name: string, value: string): Promise<void> {
  if (!files.outputFile) return;
  if (!/[\r\n]/.test(value)) {
    await appendFile(files.outputFile, `${name}=${value}\n`);
    return;
  }
  const delimiter = `ghadelimiter_${randomUUID()}`;
  await appendFile(files.outputFile, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
}

export async function appendSummary(files: RunnerFiles, markdown: string): Promise<void> {
  if (files.summaryFile) await appendFile(files.summaryFile, `${markdown}\n`);
}

export type Annotation = 'error' | 'warning' | 'notice';

/** A workflow command; its message is escaped so that it stays one annotation. */
export function annotate(files: RunnerFiles, level: Annotation, message: string): void {
  files.write(`::${level}::${escapeData(message)}`);
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
