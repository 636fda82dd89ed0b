// The npm package installs both ways an application installs it, with the real npm, offline (the
// package has no dependencies): `npm install path/to/js`, which links the folder, and
// `npm install internal-events-0.1.0.tgz` from `npm run tarball`. Each app imports InternalEvents,
// calls trackEvent and is built by the Vite CLI, whose output must hold the build's wasm; the
// tarball's internal-events/testing records the app's call in node. The
// source tree must come out of all of it with no new file (no js/dist, tarball or node_modules).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { createServer as createViteServer } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const js = path.join(root, 'js');
const web = path.join(root, 'build/web');
const vite = path.join(root, 'node_modules/vite/bin/vite.js');
const NPM_FLAGS = ['--offline', '--no-audit', '--no-fund', '--update-notifier=false'];

let work;
let treeBefore;

function run(command, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

// The files git does not track in js/, ignored ones included (js/.gitignore hides dist/ and
// *.tgz). js/src is left out: another change may be adding files there while this runs.
async function sourceTreeEntries() {
  const { code, output } = await run('git', ['status', '--porcelain', '--ignored', '--', 'js'], root);
  assert.equal(code, 0, output);
  return output.split('\n').filter((line) => /^(\?\?|!!) /.test(line) && !line.slice(3).startsWith('js/src/'));
}

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'internal-events-npm-'));
  treeBefore = await sourceTreeEntries();
});

after(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

// An app of its own (package.json, index.html, main.js) that tracks one event on a click.
async function makeApp(name) {
  const app = path.join(work, name);
  await mkdir(app);
  await writeFile(path.join(app, 'package.json'), `{ "name": "${name}", "private": true, "type": "module" }\n`);
  await writeFile(path.join(app, 'index.html'), `<!doctype html>
<html><head><meta charset="utf-8"><title>${name}</title></head>
<body><button id="apply">Apply</button><script type="module" src="./main.js"></script></body></html>
`);
  await writeFile(path.join(app, 'main.js'), `import { InternalEvents } from 'internal-events';

InternalEvents.init({ endpoint: '/api/v4/usage_data/track_events' });
document.querySelector('#apply').addEventListener('click', () => {
  InternalEvents.trackEvent('npm_installed_apply', { label: '${name}' });
});
`);
  return app;
}

async function npmInstall(app, spec) {
  const { code, output } = await run('npm', ['install', ...NPM_FLAGS, spec], app);
  assert.equal(code, 0, `npm install ${spec} failed:\n${output}`);
}

// vite build exits 0, and dist/assets holds one JS bundle with the package's glue, pointing at
// the one emitted wasm, which is the build's own.
async function assertViteBuilds(app) {
  const { code, output } = await run(process.execPath, [vite, 'build', '--logLevel', 'warn'], app);
  assert.equal(code, 0, `vite build failed:\n${output}`);
  const assets = path.join(app, 'dist/assets');
  const files = await readdir(assets);
  const bundles = files.filter((name) => name.endsWith('.js'));
  const wasms = files.filter((name) => name.endsWith('.wasm'));
  assert.equal(bundles.length, 1, `one JS bundle: ${files}`);
  assert.equal(wasms.length, 1, `the wasm emitted as an asset: ${files}`);
  const bundle = await readFile(path.join(assets, bundles[0]), 'utf8');
  assert.match(bundle, /ie_scratch/, 'the package\'s glue is in the bundle');
  assert.match(bundle, /npm_installed_apply/, 'the app\'s own code is in the bundle');
  assert.ok(bundle.includes(wasms[0]), `the bundle refers to the emitted ${wasms[0]}`);
  assert.deepEqual(await readFile(path.join(assets, wasms[0])), await readFile(path.join(web, 'internal-events.wasm')),
    'the emitted wasm is the build\'s');
}

// internal-events/testing from the installed package, in node (no page, no receiver): the app's
// own import of 'internal-events' and the helper's are one module, so its call is recorded.
async function assertTestingHelperRecords(app) {
  await writeFile(path.join(app, 'recorded.mjs'), `import { InternalEvents } from 'internal-events';
import { installInternalEventsRecorder } from 'internal-events/testing';

const recorder = installInternalEventsRecorder();
InternalEvents.mixin().methods.trackEvent('npm_installed_apply', { label: 'recorded' });
recorder.restore();
console.log(JSON.stringify(recorder.events));
`);
  const { code, output } = await run(process.execPath, ['recorded.mjs'], app);
  assert.equal(code, 0, output);
  assert.deepEqual(JSON.parse(output), [{ event: 'npm_installed_apply', additionalProperties: { label: 'recorded' } }]);
}

test('npm install path/to/js links the folder, and a Vite app built on it emits the wasm', async () => {
  const app = await makeApp('folder-app');
  await npmInstall(app, js);
  assert.ok((await lstat(path.join(app, 'node_modules/internal-events'))).isSymbolicLink(), 'npm links a folder');
  await assertViteBuilds(app);
});

// Vite's dev server serves files outside the app only from server.fs.allow, and a linked folder's
// module is build/web's file (js/internal-events.js is a link): the module is served as part of
// the graph, its wasm only once build/web is allowed, as js/README.md says.
test('the Vite dev server serves the linked folder\'s wasm once server.fs.allow names build/web', async () => {
  const app = await makeApp('folder-dev-app');
  await npmInstall(app, js);
  for (const allow of [undefined, [app, web]]) {
    const server = await createViteServer({
      root: app,
      configFile: false,
      logLevel: 'silent',
      cacheDir: path.join(app, '.vite'),
      server: { host: '127.0.0.1', port: 0, hmr: false, ws: false, ...(allow && { fs: { allow } }) },
      optimizeDeps: { exclude: ['internal-events'] },
    });
    await server.listen();
    try {
      const base = `http://127.0.0.1:${server.httpServer.address().port}`;
      const main = await (await fetch(`${base}/main.js`)).text();
      assert.ok(main.includes(`from "/@fs${web}/internal-events.js"`), `main.js imports build/web's module:\n${main}`);
      const module = await fetch(`${base}/@fs${web}/internal-events.js`);
      assert.equal(module.status, 200, 'the module is served');
      // Vite rewrites the module's new URL('internal-events.wasm', import.meta.url) to the file's.
      const wasmPath = (await module.text()).match(/new URL\("([^"]*\.wasm)", ?import\.meta\.url\)/)?.[1];
      assert.equal(wasmPath, `/@fs${web}/internal-events.wasm`, 'the module loads the wasm beside it');
      const wasm = await fetch(`${base}${wasmPath}`);
      if (!allow) {
        assert.equal(wasm.status, 403, 'outside the allow list');
        continue;
      }
      assert.equal(wasm.status, 200);
      assert.deepEqual(Buffer.from(await wasm.arrayBuffer()), await readFile(path.join(web, 'internal-events.wasm')));
    } finally {
      await server.close();
    }
  }
});

test('npm run tarball packs the build\'s files, and a Vite app built on the installed tarball emits the wasm', async () => {
  const packed = path.join(work, 'packed');
  await mkdir(packed);
  const { code, output } = await run('npm', ['run', 'tarball', ...NPM_FLAGS, '--', '--pack-destination', packed], js);
  assert.equal(code, 0, `npm run tarball failed:\n${output}`);
  assert.deepEqual(await readdir(packed), ['internal-events-0.1.0.tgz']);

  const app = await makeApp('tarball-app');
  await npmInstall(app, path.join(packed, 'internal-events-0.1.0.tgz'));
  const installed = path.join(app, 'node_modules/internal-events');
  for (const file of ['internal-events.js', 'internal-events.wasm', 'index.d.ts', 'testing.js', 'testing.d.ts', 'src/index.js']) {
    assert.ok((await lstat(path.join(installed, file))).isFile(), `${file} is a file in the tarball, not a link`);
  }
  await assertTestingHelperRecords(app);
  assert.deepEqual(await readFile(path.join(installed, 'internal-events.js')), await readFile(path.join(web, 'internal-events.js')));
  const manifest = JSON.parse(await readFile(path.join(installed, 'package.json'), 'utf8'));
  assert.equal(manifest.scripts, undefined, 'the source folder\'s scripts stay out of the tarball');
  await assertViteBuilds(app);
});

test('plain npm pack in js/ refuses with one line and writes no tarball', async () => {
  const packed = path.join(work, 'plain-pack');
  await mkdir(packed);
  const { code, output } = await run('npm', ['pack', ...NPM_FLAGS, '--pack-destination', packed], js);
  assert.notEqual(code, 0);
  assert.match(output, /^internal-events: plain npm pack would leave out the links to build\/web; run `npm run tarball/m);
  assert.deepEqual(await readdir(packed), []);
});

test('npm install of the folder before the build fails with one line naming the missing file', async () => {
  // A copy of js/ whose links point into a build/web that does not exist.
  const unbuilt = path.join(work, 'unbuilt/js');
  await mkdir(path.join(unbuilt, 'tools'), { recursive: true });
  for (const file of ['package.json', 'internal-events.js', 'internal-events.wasm', 'tools/linked_build.mjs']) {
    await cp(path.join(js, file), path.join(unbuilt, file), { verbatimSymlinks: true });
  }
  const app = await makeApp('unbuilt-app');
  const { code, output } = await run('npm', ['install', ...NPM_FLAGS, unbuilt], app);
  assert.notEqual(code, 0);
  assert.match(output, /^(npm error )?internal-events: .*internal-events\.js points to .*build\/web\/internal-events\.js, which is missing; run scripts\/build\.sh first$/m);
});

test('the source tree got no new file: no js/dist, tarball, lock file or node_modules', async () => {
  assert.deepEqual(await sourceTreeEntries(), treeBefore);
  await assert.rejects(lstat(path.join(js, 'dist')), { code: 'ENOENT' });
});
