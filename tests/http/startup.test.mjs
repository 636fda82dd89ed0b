// `internal-events serve` and `internal-events token` as an operator runs them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

import { binary, receiverFor, root, signToken, tempDir, writeSecret } from './receiver.mjs';

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
