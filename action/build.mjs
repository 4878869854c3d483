// Bundles the verify Action (src/action/index.ts) into one ESM file for node20, action/dist/index.js,
// which action.yml runs. Deterministic: the same sources and lockfile give the same bytes (no
// timestamps, no source map, paths relative to the project root with node_modules as installed),
// so test/action/bundle-current.test.ts can rebuild it and fail when the committed bundle is stale.
//
//   node action/build.mjs [--outfile FILE]
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const flag = process.argv.indexOf('--outfile');
const outfile = path.resolve(flag >= 0 ? process.argv[flag + 1] : path.join(root, 'action/dist/index.js'));

// Bundled CommonJS dependencies call require() and read __dirname/__filename; in an ES module these
// exist only when defined, so the bundle starts by defining them for itself.
const banner = [
  "import { createRequire as __aegisCreateRequire } from 'node:module';",
  "import { dirname as __aegisDirname } from 'node:path';",
  "import { fileURLToPath as __aegisFileURLToPath } from 'node:url';",
  'const require = __aegisCreateRequire(import.meta.url);',
  'const __filename = __aegisFileURLToPath(import.meta.url);',
  'const __dirname = __aegisDirname(__filename);',
].join('\n');

await build({
  absWorkingDir: root,
  entryPoints: ['src/action/index.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // node_modules may be a symlink (a worktree sharing one install): keep the paths that appear in
  // the bundle's comments as `node_modules/…`, wherever the packages really are.
  preserveSymlinks: true,
  banner: { js: banner },
  // Minified (names kept for stack traces): a third of the size in every commit that updates it.
  minify: true,
  keepNames: true,
  legalComments: 'eof',
  sourcemap: false,
  logLevel: 'warning',
});
// The bundle is an ES module wherever the action is checked out, whatever package.json is above it.
await writeFile(path.join(path.dirname(outfile), 'package.json'), '{ "type": "module" }\n');
