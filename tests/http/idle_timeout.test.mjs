// --idle-timeout: a connection that sends nothing, or stalls mid-request, is closed; one in use,
// or waiting for its answer, is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';

import { SUGGESTION, post, receiverFor } from './receiver.mjs';

// Resolves with the milliseconds until the receiver closed the connection (or `limit`).
function closedAfter(url, firstBytes, limit = 6000) {
  const { hostname, port } = new URL(url);
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => { if (firstBytes) socket.write(firstBytes); });
    const timer = setTimeout(() => { socket.destroy(); resolve(limit); }, limit);
    socket.on('data', () => {});
    socket.on('close', () => { clearTimeout(timer); resolve(Date.now() - started); });
    socket.on('error', () => {});
  });
}

test('a silent connection and one stalled mid-request are closed after the idle timeout', async (t) => {
  const receiver = await receiverFor(t, ['--idle-timeout', '1']);
  const [silent, stalled] = await Promise.all([
    closedAfter(receiver.url, ''),
    closedAfter(receiver.url, 'POST /api/v4/usage_data/track_event HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"ev'),
  ]);
  for (const ms of [silent, stalled]) {
    assert.ok(ms >= 900 && ms < 4000, `closed after ${ms} ms`);
  }
});

test('a connection in use is kept past the idle timeout', async (t) => {
  const receiver = await receiverFor(t, ['--idle-timeout', '1']);
  const { hostname, port } = new URL(receiver.url);
  const socket = connect(Number(port), hostname);
  t.after(() => socket.destroy());
  let received = '';
  let closed = false;
  socket.on('data', (chunk) => { received += chunk; });
  socket.on('close', () => { closed = true; });
  const body = JSON.stringify({ event: SUGGESTION, user_id: 1 });
  // Eight requests on the one socket, 400 ms apart: 3.2 s in all, each gap shorter than the timeout.
  for (let i = 1; i <= 8; ++i) {
    socket.write(`POST /api/v4/usage_data/track_event HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(received.match(/HTTP\/1\.1 200 OK/g)?.length, i, received);
    assert.equal(closed, false);
  }
});

test('--idle-timeout must be a whole number of seconds', async () => {
  const { spawnSync } = await import('node:child_process');
  const { binary, root } = await import('./receiver.mjs');
  const result = spawnSync(binary, ['serve', '--idle-timeout', 'soon', '--listen', '127.0.0.1:0'], { cwd: root, encoding: 'utf8', timeout: 10000 });
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /idle-timeout/);
});
