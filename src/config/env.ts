// The one place that reads process.env (STYLE.md): CLI defaults that users set in the shell.
import { z } from 'zod';
import { formatIssues, UserError } from '../core/errors.js';

const CliEnv = z.object({
  /** Ollama's address, as the ollama CLI itself reads it (`host:port` or a URL). */
  OLLAMA_HOST: z.string().min(1).optional(),
  /** Model AEGIS asks when --model is not given. */
  AEGIS_OLLAMA_MODEL: z.string().min(1).optional(),
});
export type CliEnv = z.infer<typeof CliEnv>;

export function readCliEnv(env: NodeJS.ProcessEnv = process.env): CliEnv {
  const parsed = CliEnv.safeParse({
    ...(env.OLLAMA_HOST ? { OLLAMA_HOST: env.OLLAMA_HOST } : {}),
    ...(env.AEGIS_OLLAMA_MODEL ? { AEGIS_OLLAMA_MODEL: env.AEGIS_OLLAMA_MODEL } : {}),
  });
  if (!parsed.success) throw new UserError(`environment: ${formatIssues(parsed.error.issues).join('; ')}`);
  return parsed.data;
}
