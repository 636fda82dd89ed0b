// Lays the package out as npm ships it, in a folder outside the source tree: package.json and
// its "files", with the links to build/web replaced by the files themselves (npm pack leaves
// symbolic links out) and without the scripts, which only make sense in the source folder.
import { chmod, cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { checkLinkedBuild, packageFolder } from './linked_build.mjs';

// "files" entries are a name or folder/*.ext; these are all the package uses.
async function matches(entry) {
  if (!entry.includes('*')) return [entry];
  const dir = path.dirname(entry);
  const pattern = new RegExp(`^${path.basename(entry).replaceAll('.', '\\.').replaceAll('*', '[^/]*')}$`);
  const names = (await readdir(path.join(packageFolder, dir))).filter((name) => pattern.test(name));
  return names.map((name) => path.join(dir, name));
}

export async function stagePackage(into) {
  await checkLinkedBuild();
  const manifest = JSON.parse(await readFile(path.join(packageFolder, 'package.json'), 'utf8'));
  await mkdir(into, { recursive: true });
  for (const entry of manifest.files) {
    const files = await matches(entry);
    if (!files.length) throw new Error(`internal-events: package.json "files" entry ${entry} matches nothing`);
    for (const file of files) {
      await mkdir(path.dirname(path.join(into, file)), { recursive: true });
      await cp(path.join(packageFolder, file), path.join(into, file), { dereference: true });
      await chmod(path.join(into, file), 0o644);  // the linker marks the wasm executable
    }
  }
  delete manifest.scripts;
  await writeFile(path.join(into, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}
