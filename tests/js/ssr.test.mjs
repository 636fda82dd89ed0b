// Outside a browser (server-side rendering, node scripts, tests of components): the module can
// be imported and called, every call does nothing and resolves at once, and nothing keeps the
// process alive. Checked on the sources (what bundlers and SSR frameworks import) and on the
// built bundle (what the receiver serves and npm ships).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { root } from './support/fake_page.mjs';

const ENTRIES = { sources: path.join(root, 'js/src/index.js'), bundle: path.join(root, 'build/web/internal-events.js') };

// Every call of the API, as a server-rendered component or a node script might make them.
const script = (entry) => `
  const { InternalEvents } = await import(${JSON.stringify(pathToFileURL(entry).href)});
  InternalEvents.init({ identity: () => 'token', debug: false });
  InternalEvents.trackEvent('i_code_review_user_apply_suggestion', { label: 'diff' });
  InternalEvents.track_event('another');
  InternalEvents.mixin().methods.trackEvent('from_a_component');
  const dispose = InternalEvents.bindInternalEventDocument();
  dispose();
  const loaded = InternalEvents.trackInternalLoadEvents();
  InternalEvents.optOut();
  InternalEvents.optIn();
  await InternalEvents.flush();
  console.log(JSON.stringify({ loaded, optedOut: InternalEvents.isOptedOut() }));
`;

function run(entry) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    // build/web has no package.json saying "type": "module" (npm's copy has): node's note on that is not ours.
    const args = ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', '--input-type=module', '-e', script(entry)];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    // A bound on the child exiting at all (today's bug was a process that never exits), not a benchmark.
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, elapsed: Date.now() - started });
    });
  });
}

for (const [name, entry] of Object.entries(ENTRIES)) {
  test(`in node, the ${name} can be imported and called, and the process exits at once`, async () => {
    const { code, signal, stdout, stderr, elapsed } = await run(entry);
    assert.equal(signal, null, `killed: the process did not exit by itself\n${stderr}`);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '', 'no warning: nothing was attempted');
    assert.deepEqual(JSON.parse(stdout), { loaded: [], optedOut: false });
    assert.ok(elapsed < 1000, `exited after ${elapsed} ms`);
  });
}
