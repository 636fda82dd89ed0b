// The package's module and wasm are the build's own files: js/internal-events.js and
// js/internal-events.wasm are symbolic links to build/web (where scripts/build.sh writes them),
// so `npm install path/to/js`, which links the folder, needs no copy in the source tree, and
// `npm run tarball` ships the same bytes the tests ran.
//   node tools/linked_build.mjs    exits 1 with one line when the build has not made them yet
import { access } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const packageFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const LINKED_FILES = ['internal-events.js', 'internal-events.wasm'];

// Throws one line naming the first link whose build file is missing.
export async function checkLinkedBuild() {
  for (const file of LINKED_FILES) {
    const link = path.join(packageFolder, file);
    try {
      await access(link);  // follows the link: fails when build/web has no such file
    } catch {
      throw new Error(`internal-events: ${link} points to ${path.resolve(packageFolder, '../build/web', file)}, which is missing; run scripts/build.sh first`);
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    await checkLinkedBuild();
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
