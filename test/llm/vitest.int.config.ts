// Live tests against a real Ollama (excluded from `npm test`):
//   OLLAMA_HOST=http://gpu-box:11434 [OLLAMA_MODEL=qwen2.5:7b-instruct] npx vitest run -c test/llm/vitest.int.config.ts
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/llm/**/*.int.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
