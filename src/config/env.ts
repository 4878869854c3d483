// The one place that reads process.env (STYLE.md): CLI defaults that users set in the shell.
import { z } from 'zod';
import { formatIssues, UserError } from '../core/errors.js';

const CliEnv = z.object({
  /** Ollama's address, as the ollama CLI itself reads it (`host:port` or a URL). */
  OLLAMA_HOST: z.string().min(1).optional(),
  /** Model AEGIS asks when --model is not given. */
  AEGIS_OLLAMA_MODEL: z.string().min(1).optional(),
  /** Token for `--github OWNER/REPO` (contents and pull-requests write). Never printed. */
  GITHUB_TOKEN: z.string().min(1).optional(),
  /** GitHub Enterprise Server API base, e.g. https://github.example.com/api/v3. */
  GITHUB_API_URL: z.url().optional(),
});
export type CliEnv = z.infer<typeof CliEnv>;

export function readCliEnv(env: NodeJS.ProcessEnv = process.env): CliEnv {
  const parsed = CliEnv.safeParse({
    ...(env.OLLAMA_HOST ? { OLLAMA_HOST: env.OLLAMA_HOST } : {}),
    ...(env.AEGIS_OLLAMA_MODEL ? { AEGIS_OLLAMA_MODEL: env.AEGIS_OLLAMA_MODEL } : {}),
    ...(env.GITHUB_TOKEN ? { GITHUB_TOKEN: env.GITHUB_TOKEN } : {}),
    ...(env.GITHUB_API_URL ? { GITHUB_API_URL: env.GITHUB_API_URL } : {}),
  });
  if (!parsed.success) throw new UserError(`environment: ${formatIssues(parsed.error.issues).join('; ')}`);
  return parsed.data;
}
