// `npm run tarball [-- --pack-destination DIR]` in js/: the package's tarball, made by npm pack from
// a staged copy in a temporary folder (stage_package.mjs), so nothing is written into js/.
// The tarball goes to DIR, or to the folder the command was run from.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { stagePackage } from './stage_package.mjs';

function destination(args) {
  const at = args.indexOf('--pack-destination');
  if (at === -1) return process.env.INIT_CWD ?? process.cwd();  // npm run changes into js/
  if (!args[at + 1]) throw new Error('pack: --pack-destination needs a folder');
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), args[at + 1]);
}

const stage = await mkdtemp(path.join(tmpdir(), 'internal-events-pack-'));
try {
  const into = destination(process.argv.slice(2));
  await stagePackage(path.join(stage, 'package'));
  // The npm running this script, when there is one (npm_execpath), else the one on PATH.
  const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
  const result = spawnSync(npm[0], [...npm.slice(1), 'pack', path.join(stage, 'package'), '--pack-destination', into],
    { stdio: 'inherit' });
  if (result.status !== 0) process.exitCode = result.status ?? 1;
} catch (error) {
  console.error(error.message);
  process.exitCode = 1;
} finally {
  await rm(stage, { recursive: true, force: true });
}
