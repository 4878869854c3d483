// Copies a directory tree for the render check, every entry of a folder at once. fs.cp walks a
// tree one entry after another with several awaited calls each (~30 ms for a four-file overlay
// here, ~80 ms while git and kubectl share the machine); this stays a few milliseconds.
import { copyFile, mkdir, readdir, readlink, symlink } from 'node:fs/promises';
import path from 'node:path';

/** Names never copied: git's metadata and package installs are not manifests. */
const SKIPPED = new Set(['.git', 'node_modules']);

/**
 * Copies `src` into `dest` (created with its parents). Files keep their mode (copyFile does);
 * a symbolic link is recreated pointing at its resolved absolute target, as fs.cp does, so a link
 * to a file outside the copied folders still resolves.
 */
export async function copyTree(src: string, dest: string): Promise<void> {
  await mkdir(dest, { recursive: true });
  const entries = await readdir(src, { withFileTypes: true });
  await Promise.all(
    entries
      .filter((entry) => !SKIPPED.has(entry.name))
      .map(async (entry) => {
        const from = path.join(src, entry.name);
        const to = path.join(dest, entry.name);
        if (entry.isDirectory()) return copyTree(from, to);
        if (entry.isSymbolicLink()) return symlink(path.resolve(src, await readlink(from)), to);
        if (entry.isFile()) return copyFile(from, to);
        // Sockets, FIFOs and devices are no manifest; kustomize would not read them either.
        return undefined;
      }),
  );
}
