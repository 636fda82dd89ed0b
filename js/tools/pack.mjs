// Before `npm pack` / `npm publish`: dist/ takes the bundle and the wasm the build made
// (scripts/build.sh writes them to build/web), so the package ships exactly what was tested.
import { copyFile, mkdir, access } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const js = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.resolve(js, '../build/web');
await mkdir(path.join(js, 'dist'), { recursive: true });
for (const file of ['internal-events.js', 'internal-events.wasm']) {
  try {
    await access(path.join(web, file));
  } catch {
    console.error(`pack: ${path.join(web, file)} is missing; run scripts/build.sh first`);
    process.exit(1);
  }
  await copyFile(path.join(web, file), path.join(js, 'dist', file));
}
