// The --static folder is all `serve` publishes: no path reaches outside it, however it is spelled
// (dot segments raw, percent-encoded, double-encoded, with backslashes, absolute, NUL), and a
// symlink inside it that points outside is not followed. Requests go over a raw socket, so the
// path arrives exactly as written (fetch would normalise it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

import { root, startReceiver, stop, tempDir } from './receiver.mjs';

// One GET with the target as given; resolves to the status and body.
function rawGet(receiver, target) {
  const { hostname, port } = new URL(receiver.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let answer = '';
    socket.on('data', (chunk) => { answer += chunk; });
    socket.on('end', () => resolve({ status: Number(answer.split(' ')[1]), body: answer.slice(answer.indexOf('\r\n\r\n') + 4) }));
    socket.on('error', reject);
    socket.write(`GET ${target} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`);
  });
}

test('no spelling of a path leaves the static folder, and symlinks out of it are not followed', async (t) => {
  const dir = tempDir(t);
  const site = path.join(dir, 'site');
  const outside = path.join(dir, 'outside');
  mkdirSync(path.join(site, 'sub'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(site, 'index.html'), 'hello');
  writeFileSync(path.join(outside, 'secret.txt'), 'SECRET');
  symlinkSync(outside, path.join(site, 'link'));
  symlinkSync(path.join(outside, 'secret.txt'), path.join(site, 'file_link'));
  const receiver = await startReceiver(['--store', `sqlite:${path.join(dir, 's.sqlite3')}`, '--definitions', path.join(root, 'config'),
    '--static', site], { dir });
  t.after(() => stop(receiver));

  assert.deepEqual(await rawGet(receiver, '/index.html'), { status: 200, body: 'hello' });
  const escapes = ['/../outside/secret.txt', '/%2e%2e/outside/secret.txt', '/%2E%2E/outside/secret.txt', '/%252e%252e/outside/secret.txt',
    '/..%2foutside%2fsecret.txt', '/sub/..%2f..%2foutside/secret.txt', '/..%5coutside%5csecret.txt', '/..\\outside\\secret.txt',
    `/${outside}/secret.txt`, `//${outside.slice(1)}/secret.txt`, '/link/secret.txt', '/file_link', '/index.html%00.txt', '/%00',
    '/sub/../../outside/secret.txt', '/./../outside/secret.txt'];
  for (const target of escapes) {
    const { status, body } = await rawGet(receiver, target);
    assert.ok(status >= 400 && status < 500, `${target}: ${status}`);
    assert.ok(!body.includes('SECRET'), `${target} leaked the file`);
  }
  assert.equal((await fetch(`${receiver.url}/-/health`)).status, 200);
});
