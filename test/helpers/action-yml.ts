// action/action.yml as parsed YAML, for the tests that hold the Action and the example workflows
// to one contract.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from './paths.js';

export interface ActionYml {
  name?: string;
  description?: string;
  inputs?: Record<string, { description?: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description?: string }>;
  runs?: { using?: string; main?: string };
}

export function readAction(): ActionYml {
  return parse(readFileSync(path.join(PROJECT_ROOT, 'action', 'action.yml'), 'utf8')) as ActionYml;
}
