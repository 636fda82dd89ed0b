// The npm package as an application uses it: `import { InternalEvents } from 'internal-events'`
// in an app built by Vite and webpack 5 (as GitLab's components import ~/tracking) and served by
// Vite's dev server, and the TypeScript declarations checked by tsc. The package is laid into the
// app's node_modules as `npm run tarball` ships it (js/tools/stage_package.mjs: js/package.json
// "files", the links to build/web replaced by the files), so a wrong "exports", "types" or
// "files" entry fails here. The built page then runs in headless Chromium, served from
// 127.0.0.1, and its one event is caught with page.route.
// Everything is written to a temporary folder; nothing goes to js/ or node_modules.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { build as viteBuild, createServer as createViteServer } from 'vite';
import webpack from 'webpack';

import { stagePackage } from '../../js/tools/stage_package.mjs';
import { launch } from './support/browser.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const web = path.join(root, 'build/web');
const ENDPOINT = '/api/v4/usage_data/track_events';

let work;  // the temporary folder: node_modules/internal-events, one folder per app and tsc check
let browser;

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'internal-events-bundlers-'));
  await stagePackage(path.join(work, 'node_modules/internal-events'));
});

after(async () => {
  await browser?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

// Serves a folder on 127.0.0.1 with the content types a static host would give.
async function serve(folder) {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };
  const server = createServer(async (request, response) => {
    const pathname = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    const file = path.join(folder, pathname.endsWith('/') ? `${pathname}index.html` : pathname);
    try {
      if (!file.startsWith(folder + path.sep)) throw new Error('outside');
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close() {
      server.closeAllConnections();  // Chromium keeps its connections alive; close would wait for them
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

// The app: one button whose click tracks one event and flushes.
const MAIN = `import { InternalEvents } from 'internal-events';

InternalEvents.init({ endpoint: '${ENDPOINT}', context: { project_id: 7 } });
document.querySelector('#apply').addEventListener('click', () => {
  InternalEvents.track_event('bundled_apply', { label: 'bundler', property: 'button', value: 3 });
  InternalEvents.flush().then(() => { document.body.dataset.flushed = 'true'; });
});
document.body.dataset.ready = 'true';
`;
const page = (script) => `<!doctype html>
<html><head><meta charset="utf-8"><title>bundled</title></head>
<body><button id="apply">Apply</button>${script}</body></html>
`;

// A folder of the work folder holding the app's sources (node_modules is one level up, as in
// an app whose package.json sits beside it).
async function makeApp(name) {
  const app = path.join(work, name);
  await mkdir(app);
  await writeFile(path.join(app, 'main.js'), MAIN);
  return app;
}

// The built files the bundler wrote: the glue in the one JS bundle, the wasm emitted as an asset
// (the build's own bytes) and the bundle pointing at it.
async function assertBundled(folder) {
  const files = await readdir(folder);
  const bundles = files.filter((name) => name.endsWith('.js'));
  const wasms = files.filter((name) => name.endsWith('.wasm'));
  assert.equal(bundles.length, 1, `one JS bundle: ${files}`);
  assert.equal(wasms.length, 1, `the wasm emitted as an asset: ${files}`);
  const bundle = await readFile(path.join(folder, bundles[0]), 'utf8');
  assert.match(bundle, /instantiateStreaming/, 'the package\'s glue is in the bundle');
  assert.match(bundle, /ie_scratch/, 'the package\'s glue is in the bundle');
  assert.ok(bundle.includes(wasms[0]), `the bundle refers to the emitted ${wasms[0]}`);
  assert.deepEqual(await readFile(path.join(folder, wasms[0])), await readFile(path.join(web, 'internal-events.wasm')),
    'the emitted wasm is the build\'s');
}

// Loads the app at url in Chromium, clicks, and checks the one request the endpoint got.
// wasm: whether the page must have run the wasm core (true) rather than the fallback.
// stub: a URL pattern answered with an empty module (the dev server's HMR client).
async function assertTracks(url, { wasm = true, stub } = {}) {
  browser ??= await launch();
  const tab = await browser.page();
  try {
    const messages = [];
    tab.on('console', (message) => messages.push(`${message.type()}: ${message.text()}`));
    const wasmLoads = [];
    tab.on('response', (response) => response.url().endsWith('.wasm') && wasmLoads.push(response.status()));
    if (stub) await tab.route(stub, (route) => route.fulfill({ contentType: 'text/javascript', body: 'export {};' }));
    const posts = [];
    await tab.route(`**${ENDPOINT}`, async (route) => {
      posts.push({ method: route.request().method(), body: route.request().postData() });
      await route.fulfill({ status: 200, contentType: 'application/json', body: '{"accepted":1,"rejected":[]}' });
    });
    await tab.goto(url);
    await tab.waitForSelector('body[data-ready="true"]', { state: 'attached' });
    await tab.click('#apply');
    await tab.waitForSelector('body[data-flushed="true"]', { state: 'attached', timeout: 10000 });

    if (wasm) {
      assert.deepEqual(wasmLoads, [200], 'the page fetched the emitted wasm, once');
      assert.doesNotMatch(messages.join('\n'), /wasm core did not load/, 'the wasm core, not the fallback, ran');
    }
    assert.equal(posts.length, 1, 'one request to the endpoint');
    assert.equal(posts[0].method, 'POST');
    const { events } = JSON.parse(posts[0].body);
    assert.equal(events.length, 1, 'one event');
    const [{ eid, ...event }] = events;
    assert.match(eid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(event, {
      event: 'bundled_apply',
      project_id: 7,
      additional_properties: { label: 'bundler', property: 'button', value: 3 },
    });
    return messages;
  } finally {
    await tab.close();
  }
}

async function withStaticServer(folder, body) {
  const server = await serve(folder);
  try {
    return await body(server.url);
  } finally {
    await server.close();
  }
}

test('vite build: the app bundles the glue, emits the wasm, and its page tracks through the wasm core', async () => {
  const app = await makeApp('vite-app');
  await writeFile(path.join(app, 'index.html'), page('<script type="module" src="./main.js"></script>'));
  const outDir = path.join(work, 'vite-dist');
  await viteBuild({ root: app, configFile: false, logLevel: 'silent', build: { outDir, emptyOutDir: true } });
  await assertBundled(path.join(outDir, 'assets'));
  await withStaticServer(outDir, (url) => assertTracks(`${url}/`));
});

// The dev server pre-bundles dependencies into node_modules/.vite/deps, away from the wasm that
// `new URL('…wasm', import.meta.url)` names; Vite's answer is optimizeDeps.exclude (js/README.md).
for (const exclude of [true, false]) {
  test(`vite dev server${exclude ? ' with optimizeDeps.exclude: the wasm core runs' : ' without the exclude: events still arrive, by the fallback'}`, async () => {
    const app = await makeApp(`vite-dev-${exclude}`);
    await writeFile(path.join(app, 'index.html'), page('<script type="module" src="./main.js"></script>'));
    const vite = await createViteServer({
      root: app,
      configFile: false,
      logLevel: 'silent',
      cacheDir: path.join(app, '.vite'),
      // Served by our own server on 127.0.0.1:0: no fixed port, and no HMR websocket.
      server: { middlewareMode: true, hmr: false, ws: false, fs: { allow: [work] } },
      appType: 'spa',
      optimizeDeps: exclude ? { exclude: ['internal-events'] } : {},
    });
    const server = createServer(vite.middlewares);
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const messages = await assertTracks(`http://127.0.0.1:${server.address().port}/`, {
        wasm: exclude,
        stub: '**/@vite/client',  // it would open the HMR websocket this server does not have
      });
      if (!exclude) assert.match(messages.join('\n'), /wasm core did not load/, 'pre-bundled, the wasm is not found (Vite\'s limitation)');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await vite.close();
    }
  });
}

test('webpack 5: the app bundles the glue, emits the wasm, and its page tracks through the wasm core', async () => {
  const app = await makeApp('webpack-app');
  const outDir = path.join(work, 'webpack-dist');
  const stats = await new Promise((resolve, reject) => {
    webpack({
      mode: 'production',
      context: app,
      entry: './main.js',
      output: { path: outDir, filename: 'main.js', clean: true },
      infrastructureLogging: { level: 'none' },
    }, (error, result) => (error ? reject(error) : resolve(result)));
  });
  assert.ok(!stats.hasErrors(), stats.toString({ all: false, errors: true }));
  await assertBundled(outDir);
  await writeFile(path.join(outDir, 'index.html'), page('<script src="main.js"></script>'));
  await withStaticServer(outDir, (url) => assertTracks(`${url}/`));
});

const tsc = path.join(root, 'node_modules/.bin/tsc');

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

const USAGE = `import InternalEventsDefault, { InternalEvents, createInternalEvents } from 'internal-events';
import type { AdditionalProperties, InitOptions, InternalEventsApi } from 'internal-events';
import { createSpy, installInternalEventsRecorder, useMockInternalEventsTracking } from 'internal-events/testing';
import type { RecordedEvent, Recorder, TrackEventSpy } from 'internal-events/testing';

const options: InitOptions = {
  endpoint: '/api/v4/usage_data/track_events',
  identity: 'signed.token.here',
  context: { project_id: 7, namespace_id: 3 },
  batchSize: 10,
  flushIntervalMs: 2000,
  respectDoNotTrack: true,
  wasmUrl: new URL('https://example.test/internal-events.wasm'),
};
const api: InternalEventsApi = InternalEvents.init(options);
api.init();
InternalEvents.track_event('i_code_review_user_apply_suggestion', { label: 'diff', value: 1 });
InternalEvents.trackEvent('pull_package', { label: 'npm', property: 'deploy_token', package_version_count: 3, flag: true }, 'Category');
const props: AdditionalProperties = { value: 2.5, custom: null };
InternalEventsDefault.track_event('event', props);

const component = { mixins: [InternalEvents.mixin()] };
component.mixins[0].methods.trackEvent('from_a_component', { label: 'x' });

const dispose: () => void = InternalEvents.bindInternalEventDocument();
dispose();
InternalEvents.bindInternalEventDocument(document.body)();
const tracked: Element[] = InternalEvents.trackInternalLoadEvents(document);
const done: Promise<void> = InternalEvents.flush();
void tracked; void done;
createInternalEvents(globalThis).track_event('own_instance');

// internal-events/testing, as a unit test uses it.
const recorder = installInternalEventsRecorder({ instance: InternalEvents });
const seen: boolean = recorder.tracked('pull_package', { label: 'npm' }, 'Category');
const times: number = recorder.count('pull_package');
const events: RecordedEvent[] = recorder.events;
const spy: TrackEventSpy = recorder.trackEventSpy;
const [firstName]: [string, AdditionalProperties, string | undefined] = spy.mock.calls[0];
const plain: Recorder = recorder;
const described: string = plain.describe();
recorder.restore();
void seen; void times; void events; void firstName; void described;
const mocked = useMockInternalEventsTracking({ beforeEach: (fn) => fn(), afterEach: (fn) => fn() });
const { triggerEvent, trackEventSpy } = mocked.bindInternalEventDocument(document.body);
triggerEvent('[data-event-tracking]');
triggerEvent(document.body, 'mouseover');
void trackEventSpy.calls.length;
createSpy('mine')('anything', 1);
// @ts-expect-error tracked() takes the event's name first
recorder.tracked({ label: 'npm' });
// @ts-expect-error triggerEvent needs a selector or an element
triggerEvent(3);

// @ts-expect-error value is a number
InternalEvents.track_event('event', { value: 'x' });
// @ts-expect-error label is a string
InternalEvents.track_event('event', { label: 5 });
// @ts-expect-error custom properties are scalars
InternalEvents.track_event('event', { nested: { a: 1 } });
// @ts-expect-error the event name is required
InternalEvents.track_event();
// @ts-expect-error batchSize is a number
InternalEvents.init({ batchSize: '10' });
// @ts-expect-error no such method
InternalEvents.trackEvents('event');
`;

// tsc resolves 'internal-events' through package.json "exports" → "types", as an app's
// TypeScript would, under both the bundler and the node16/nodenext resolution.
for (const [module, moduleResolution] of [['preserve', 'bundler'], ['nodenext', 'nodenext']]) {
  test(`tsc (moduleResolution ${moduleResolution}) accepts the documented usage and rejects wrong types`, async () => {
    const types = path.join(work, `types-${moduleResolution}`);
    await mkdir(types);
    // A package.json with "type": "module" makes the .ts file an ES module under nodenext too.
    await writeFile(path.join(types, 'package.json'), '{ "type": "module", "private": true }\n');
    await writeFile(path.join(types, 'usage.ts'), USAGE);
    await writeFile(path.join(types, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict: true, noEmit: true, target: 'es2022', module, moduleResolution, lib: ['es2022', 'dom'], types: [],
        skipLibCheck: false, noUnusedLocals: true,
      },
      files: ['usage.ts'],
    }, null, 2));
    const { code, output } = await run(process.execPath, [tsc, '-p', types, '--pretty', 'false'], types);
    assert.equal(code, 0, `tsc failed:\n${output}`);
  });
}
