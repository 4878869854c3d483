// The demo workload's image, built locally without a registry by examples/demo-app/build-image.sh
// (idempotent: an image whose inputs did not change is reused).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { podmanEnv } from '../sandbox/podman/podman-runner.js';

/** src/demo/ and dist/demo/ are both two levels below the repo root. */
export const DEMO_APP_DIR = fileURLToPath(new URL('../../examples/demo-app/', import.meta.url));
export const DEMO_IMAGE_TAG = 'dev';
export const DEMO_IMAGE = `localhost/aegis-demo-app:${DEMO_IMAGE_TAG}`;

export interface BuiltImage {
  image: string;
  id: string;
  /** False when the script found the image up to date. */
  rebuilt: boolean;
}

export function buildDemoImage(env: NodeJS.ProcessEnv): Promise<BuiltImage> {
  return new Promise((resolve, reject) => {
    execFile(
      `${DEMO_APP_DIR}build-image.sh`,
      [DEMO_IMAGE_TAG],
      {
        // build-image.sh runs podman: with the same containers.conf as the sandbox.
        env: podmanEnv(env),
        timeout: 180_000,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        if (error) {
          const line = stderr.trim().split('\n').at(-1) || error.message.split('\n')[0];
          reject(new Error(`building ${DEMO_IMAGE} failed: ${line}`));
          return;
        }
        resolve({ image: DEMO_IMAGE, id: stdout.trim(), rebuilt: !/up to date/.test(stderr) });
      },
    );
  });
}
