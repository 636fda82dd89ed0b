// `internal-events serve` and `internal-events token` as an operator runs them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { binary, receiverFor, root, signToken, startReceiver, stop, tempDir, writeSecret } from './receiver.mjs';

function run(...args) {
  const result = spawnSync(binary, args, { cwd: root, encoding: 'utf8', timeout: 10000 });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

test('serve announces where it listens, the store, the definitions and where Snowplow copies go', async (t) => {
  // Nothing listens on the discard port; no event is tracked, so nothing is sent there either.
  const receiver = await receiverFor(t, ['--collector', 'http://127.0.0.1:9']);
  const output = receiver.output();
  assert.match(output, /^listening on http:\/\/127\.0\.0\.1:\d+$/m);
  assert.doesNotMatch(output, /^listening on http:\/\/127\.0\.0\.1:0$/m);
  assert.match(output, /^store: sqlite:.*x\.sqlite3$/m);
  assert.match(output, /^definitions: config \(3 events, \d+ metrics\)$/m);
  assert.match(output, /^Snowplow forwarding: to http:\/\/127\.0\.0\.1:9\/com\.snowplowanalytics\.snowplow\/tp2, through the outbox of sqlite:.*x\.sqlite3$/m);
  const head = await fetch(`${receiver.url}/-/health`, { method: 'HEAD' });
  assert.equal(head.status, 200);
});

test('serve refuses bad options and a port in use with one line and a non-zero exit', async (t) => {
  const dir = tempDir(t);
  const badListen = run('serve', '--listen', 'nowhere', '--store', `sqlite:${dir}/a.sqlite3`);
  assert.notEqual(badListen.code, 0);
  assert.match(badListen.err, /--listen nowhere must be HOST:PORT/);
  const badLimit = run('serve', '--max-body-bytes', 'lots');
  assert.equal(badLimit.code, 2);
  assert.match(badLimit.err, /--max-body-bytes lots must be a whole number/);
  const unknown = run('serve', '--colour', 'blue');
  assert.equal(unknown.code, 2);

  const receiver = await receiverFor(t);
  const taken = run('serve', '--listen', receiver.url.replace('http://', ''), '--store', `sqlite:${dir}/b.sqlite3`);
  assert.equal(taken.code, 1);
  assert.equal(taken.err.trim().split('\n').length, 1);
});

test('token prints an HS256 JWT with the claims asked for', (t) => {
  const dir = tempDir(t);
  const secretFile = writeSecret(dir, 'secret', 's3cret');
  const token = signToken(secretFile, '--user', '12', '--project', '34', '--namespace', '56', '--ttl', '60');
  const [header, claims, signature] = token.split('.');
  assert.deepEqual(JSON.parse(Buffer.from(header, 'base64url')), { alg: 'HS256', typ: 'JWT' });
  const decoded = JSON.parse(Buffer.from(claims, 'base64url'));
  assert.equal(decoded.user_id, 12);
  assert.equal(decoded.project_id, 34);
  assert.equal(decoded.namespace_id, 56);
  assert.ok(Math.abs(decoded.exp - (Date.now() / 1000 + 60)) < 5);
  assert.ok(signature.length > 20);

  assert.equal(run('token', '--secret-file', secretFile).code, 2);
  assert.match(run('token', '--secret-file', secretFile, '--user', 'me').err, /--user me must be an integer/);
  assert.equal(run('token', '--secret-file', `${dir}/missing`, '--user', '1').code, 1);
});

test('serve makes a new SQLite file, but the missing folders of --store only with --create', async (t) => {
  const dir = tempDir(t);
  const store = path.join(dir, 'new', 'folders', 'x.sqlite3');
  const refused = run('serve', '--listen', '127.0.0.1:0', '--store', `sqlite:${store}`);
  assert.equal(refused.code, 1);
  assert.equal(refused.err.trim(), `internal-events serve: no folder ${path.dirname(store)} for the store ${store} (--create makes it)`);
  assert.equal(existsSync(path.join(dir, 'new')), false);

  const receiver = await startReceiver(['--store', `sqlite:${store}`, '--create'], { dir });
  t.after(() => stop(receiver));
  assert.match(receiver.output(), new RegExp(`^store: sqlite:${store}$`, 'm'));
  assert.ok(existsSync(store));
});

// Resolves with the output up to `listening on`, for a receiver started from `cwd`.
function serveFrom(t, command, args, cwd) {
  const child = spawn(command, ['serve', '--listen', '127.0.0.1:0', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM'); });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no 'listening on' line within 10 s:\n${output}`)), 10000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /^listening on (http:\/\/\S+:\d+)$/m.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1], output });
      }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`serve exited with ${code}:\n${output}`)); });
  });
}

test('serve finds the browser bundle beside its binary from any folder, and names what it serves', async (t) => {
  // The build's layout, elsewhere: BUILD/native/internal-events and the bundle in BUILD/web.
  const build = tempDir(t);
  mkdirSync(path.join(build, 'native'));
  mkdirSync(path.join(build, 'web'));
  const copy = path.join(build, 'native', 'internal-events');
  copyFileSync(binary, copy);
  writeFileSync(path.join(build, 'web', 'internal-events.js'), 'export const bundled = true;\n');
  const elsewhere = tempDir(t);  // neither the repository nor the build: no build/web here
  const site = path.join(elsewhere, 'site');

  const receiver = await serveFrom(t, copy, ['--definitions', path.join(root, 'config'), '--store', `sqlite:${elsewhere}/x.sqlite3`,
    '--static', site], elsewhere);
  assert.match(receiver.output, new RegExp(`^serving /internal-events/ from ${path.join(build, 'web')}$`, 'm'));
  assert.match(receiver.output, new RegExp(`^not serving /: --static ${site} is missing$`, 'm'));
  const bundle = await fetch(`${receiver.url}/internal-events/internal-events.js`);
  assert.equal(bundle.status, 200);
  assert.equal(await bundle.text(), 'export const bundled = true;\n');

  // Without --store, a first serve still makes the default data/ folder, in the working folder.
  const without = await serveFrom(t, copy, ['--definitions', path.join(root, 'config'), '--assets', path.join(elsewhere, 'no-bundle')], elsewhere);
  assert.match(without.output, new RegExp(`^not serving /internal-events/: --assets ${path.join(elsewhere, 'no-bundle')} is missing$`, 'm'));
  assert.doesNotMatch(without.output, /^serving \/ from/m);
  assert.match(without.output, /^store: sqlite:data\/internal-events\.sqlite3$/m);
  assert.ok(existsSync(path.join(elsewhere, 'data', 'internal-events.sqlite3')));
});
