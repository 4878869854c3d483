// Reads CLI inputs and turns every failure into one line that names the file.
import { readFile, stat } from 'node:fs/promises';
import { UserError } from '../core/errors.js';
import type { AlertmanagerPayload } from '../intake/alertmanager-schema.js';
import { parseAlertJson } from '../intake/parse-alert.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

export async function readAlert(source: string): Promise<AlertmanagerPayload> {
  const label = source === '-' ? 'stdin' : source;
  let text: string;
  try {
    text = source === '-' ? await readStdin() : await readFile(source, 'utf8');
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      `alert file ${label}: ${code === 'ENOENT' ? 'not found' : (code ?? 'cannot be read')}`,
    );
  }
  const parsed = parseAlertJson(text);
  if (!parsed.ok) throw new UserError(`alert ${label}: ${parsed.error}`);
  return parsed.payload;
}

export async function requireDirectory(dir: string, what: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw new UserError(`${what} not found: ${dir}`);
  if (!info.isDirectory()) throw new UserError(`${what} is not a folder: ${dir}`);
}
