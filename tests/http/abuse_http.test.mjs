// Hostile HTTP over raw sockets (#18, point 4): slowloris, huge and crowded headers, smuggling
// framings, bad chunks, a long pipeline, a client that never reads, and more connections than
// --max-connections. For every case /-/health answers during and after, the receiver's resident
// memory comes back to within 10% of where it was, and a batch acknowledged meanwhile counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import { healthy, memoryReturns, rssKb } from './abuse_support.mjs';
import { SUGGESTION, answer, post, receiverFor, total } from './receiver.mjs';

const IDLE_TIMEOUT = ['--idle-timeout', '2'];

// Posts a batch of `count` events and returns how many the receiver acknowledged.
let nextUser = 1;
async function acknowledged(receiver, count = 20) {
  const events = Array.from({ length: count }, () => ({ event: SUGGESTION, user_id: nextUser++ }));
  const { status, json } = await answer(await post(receiver, 'track_events', { events }));
  assert.equal(status, 200);
  assert.equal(json.accepted, count);
  return count;
}

// Runs `abuse(receiver, during)` on a fresh receiver between the checks every case shares; `during`
// checks health and acknowledges a batch while the abuse goes on. `abuse` returns how many events
// it had acknowledged itself, if any.
async function guarded(t, args, abuse) {
  const receiver = await receiverFor(t, [...IDLE_TIMEOUT, ...args]);
  let counted = await acknowledged(receiver);  // also the warm-up, so that the baseline is fair
  await healthy(receiver);
  const baseline = rssKb(receiver);
  const during = async () => {
    await healthy(receiver);
    counted += await acknowledged(receiver);
  };
  const ownEvents = await abuse(receiver, during);  // first: `counted` grows meanwhile
  counted += ownEvents ?? 0;
  await healthy(receiver);
  counted += await acknowledged(receiver);
  await memoryReturns(receiver, baseline);
  assert.equal(await total(receiver, SUGGESTION), counted);
  return receiver;
}

function open(receiver) {
  const { hostname, port } = new URL(receiver.url);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => {});  // the receiver may reset what it refused
  return new Promise((resolve) => socket.on('connect', () => resolve(socket)));
}

// Sends `bytes` and resolves with everything received once the receiver has closed the connection.
async function sendAndClose(receiver, bytes) {
  const socket = await open(receiver);
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => { received += chunk; });
  const closed = new Promise((resolve) => socket.on('close', resolve));
  socket.write(bytes);
  const timer = setTimeout(() => socket.destroy(), 5000);
  await closed;
  clearTimeout(timer);
  return received;
}

// The one answer to a refused request: status, JSON error on one line, and the connection closed.
async function refused(receiver, bytes, status, pattern) {
  const received = await sendAndClose(receiver, bytes);
  const head = received.slice(0, received.indexOf('\r\n\r\n'));
  const body = received.slice(received.indexOf('\r\n\r\n') + 4);
  assert.match(head, new RegExp(`^HTTP/1\\.1 ${status} `), received.slice(0, 300));
  assert.match(head, /\r\nConnection: close/i);
  assert.doesNotMatch(body, /\n/);
  assert.match(JSON.parse(body).error, pattern);
}

const track = (body, headers = '') =>
  `POST /api/v4/usage_data/track_event HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${headers}\r\n${body}`;
const event = JSON.stringify({ event: SUGGESTION, user_id: 100000 });

test('slowloris: many connections trickling their headers are closed after the idle timeout, and others are served meanwhile', async (t) => {
  await guarded(t, [], async (receiver, during) => {
    const sockets = await Promise.all(Array.from({ length: 200 }, () => open(receiver)));
    const closedAt = sockets.map((socket) => new Promise((resolve) => socket.on('close', () => resolve(Date.now()))));
    const started = Date.now();
    const header = 'POST /api/v4/usage_data/track_event HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(100);
    let sent = 0;
    const trickle = setInterval(() => {
      for (const socket of sockets) if (!socket.destroyed) socket.write(header[sent % header.length]);
      sent += 1;
    }, 100);
    await sleep(500);
    await during();  // while all 200 are held open
    const ends = await Promise.all(closedAt);
    clearInterval(trickle);
    // Trickling does not extend the deadline: each is closed about 2 s (plus a sweep) after it began.
    for (const end of ends) assert.ok(end - started < 4500, `closed after ${end - started} ms`);
  });
});

test('a 1 MiB header is 431, and 10 000 header fields are 431, each with a JSON error', async (t) => {
  await guarded(t, [], async (receiver, during) => {
    await refused(receiver, `GET /-/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(1 << 20)}\r\n\r\n`, 431, /header is too large/);
    const crowded = Array.from({ length: 10000 }, () => 'a:b\r\n').join('');
    await refused(receiver, `GET /-/health HTTP/1.1\r\nHost: x\r\n${crowded}\r\n`, 431, /too many header fields/);
    await during();
  });
});

test('conflicting framings and bad chunks are 400 and count nothing', async (t) => {
  await guarded(t, [], async (receiver, during) => {
    const chunked = 'Transfer-Encoding: chunked\r\n';
    const length = `Content-Length: ${event.length}\r\n`;
    await refused(receiver, track(event, length + chunked), 400, /Content-Length|Transfer-Encoding/);
    await refused(receiver, track(`${event.length.toString(16)}\r\n${event}\r\n0\r\n\r\n`, chunked + length), 400, /Content-Length/);
    await refused(receiver, track(event, `${length}Content-Length: ${event.length + 1}\r\n`), 400, /Content-Length/);
    await refused(receiver, track(event, `Content-Length: ${event.length}, ${event.length - 1}\r\n`), 400, /Content-Length/);
    await refused(receiver, track(event, 'Content-Length: -1\r\n'), 400, /Content-Length/);
    await refused(receiver, track(event, 'Transfer-Encoding: gzip\r\n'), 501, /Transfer-Encoding other than chunked/);
    await refused(receiver, track(`zz\r\n${event}\r\n0\r\n\r\n`, chunked), 400, /bad chunk/);
    await refused(receiver, track(`${'f'.repeat(20)}\r\n${event}\r\n0\r\n\r\n`, chunked), 400, /bad chunk/);
    await refused(receiver, track(`${(event.length - 5).toString(16)}\r\n${event}\r\n0\r\n\r\n`, chunked), 400, /bad chunk/);
    // A chunk larger than the body limit is the 413 any large body gets.
    const huge = await sendAndClose(receiver, track(`${(8 << 20).toString(16)}\r\n${'a'.repeat(1000)}`, chunked));
    assert.match(huge, /^HTTP\/1\.1 413 /);
    await refused(receiver, 'G@T /-/health HTTP/1.1\r\nHost: x\r\n\r\n', 400, /method/);
    await refused(receiver, 'GET /-/health HTTP/2.0\r\nHost: x\r\n\r\n', 400, /bad HTTP version/);
    await refused(receiver, 'GET /-/health HTXP/1.1\r\nHost: x\r\n\r\n', 400, /version/);
    await during();
  });
});

test('refusals are counted in /-/metrics under route "malformed"', async (t) => {
  const receiver = await receiverFor(t);
  await refused(receiver, track(event, 'Content-Length: 1\r\nContent-Length: 2\r\n'), 400, /Content-Length/);
  const metrics = await (await fetch(`${receiver.url}/-/metrics`)).text();
  assert.match(metrics, /^internal_events_http_requests_total\{route="malformed",status="400"\} 1$/m);
});

test('1000 pipelined requests on one connection are all answered, in order', async (t) => {
  await guarded(t, [], async (receiver, during) => {
    const socket = await open(receiver);
    let requests = '';
    for (let i = 0; i < 1000; i += 1) {
      if (i % 10 === 0) {
        const body = JSON.stringify({ event: SUGGESTION, user_id: 500000 + i });
        requests += track(body, `Content-Length: ${body.length}\r\n`);
      } else {
        requests += `GET /missing/${i} HTTP/1.1\r\nHost: x\r\n\r\n`;
      }
    }
    let received = '';
    socket.setEncoding('utf8');
    const done = new Promise((resolve) => socket.on('data', (chunk) => {
      received += chunk;
      if ((received.match(/HTTP\/1\.1 /g) ?? []).length === 1000 && received.endsWith('}')) resolve();
    }));
    socket.write(requests);
    await done;
    socket.destroy();
    const bodies = [...received.matchAll(/\r\n\r\n(\{[^\r]*?\})(?=HTTP\/1\.1 |$)/g)].map((match) => JSON.parse(match[1]));
    assert.equal(bodies.length, 1000);
    bodies.forEach((body, i) => {
      if (i % 10 === 0) assert.deepEqual(body, { status: 'ok' }, `answer ${i}`);
      else assert.equal(body.error, `no route for GET /missing/${i}`, `answer ${i}`);
    });
    await during();
    return 100;
  });
});

test('a client that never reads its answers holds one answer, is closed after the idle timeout, and others are served', async (t) => {
  await guarded(t, [], async (receiver, during) => {
    const socket = await open(receiver);
    socket.pause();  // nothing is read from the kernel: the receiver's writes fill the socket buffers
    let received = 0;
    const closed = new Promise((resolve) => socket.on('close', resolve));
    // 20 000 requests for /-/metrics, a few KB each to answer: far more than the socket buffers hold.
    const request = 'GET /-/metrics HTTP/1.1\r\nHost: x\r\n\r\n';
    for (let i = 0; i < 20; i += 1) socket.write(request.repeat(1000));
    const baseline = rssKb(receiver);
    await sleep(500);
    await during();
    assert.ok(rssKb(receiver) < baseline * 1.1 + 2048, `${rssKb(receiver)} kB while stuck, ${baseline} kB before`);
    // Past the idle timeout (2 s, and a sweep) the receiver has given up on it: reading now finds
    // what the buffers held and the end, not the rest of 20 000 answers.
    await sleep(3000);
    socket.on('data', (chunk) => { received += (chunk.toString().match(/HTTP\/1\.1 200/g) ?? []).length; });
    socket.resume();
    const timer = setTimeout(() => socket.destroy(new Error('still open')), 3000);
    await closed;
    clearTimeout(timer);
    assert.ok(received < 20000, `${received} answers`);
    assert.notEqual(socket.errored?.message, 'still open');
  });
});

// Reads exactly one answer from a keep-alive socket.
function ask(socket, target) {
  return new Promise((resolve) => {
    let received = '';
    const onData = (chunk) => {
      received += chunk;
      const end = received.indexOf('\r\n\r\n');
      const length = /Content-Length: (\d+)/i.exec(received);
      if (end >= 0 && length && received.length >= end + 4 + Number(length[1])) {
        socket.off('data', onData);
        resolve(received);
      }
    };
    socket.on('data', onData);
    socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`);
  });
}

test('past --max-connections a new connection is refused at once with 503, and established ones keep working', async (t) => {
  const receiver = await receiverFor(t, ['--max-connections', '10']);
  const established = await Promise.all(Array.from({ length: 10 }, () => open(receiver)));
  for (const socket of established) {
    socket.setEncoding('utf8');
    assert.match(await ask(socket, '/-/health'), /^HTTP\/1\.1 200 /);
  }
  const baseline = rssKb(receiver);
  for (let i = 0; i < 5; i += 1) {
    const started = Date.now();
    const received = await sendAndClose(receiver, 'GET /-/health HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.ok(Date.now() - started < 1000, `refused after ${Date.now() - started} ms`);
    if (received) assert.equal(received.slice(received.indexOf('\r\n\r\n') + 4), '{"error":"too many connections"}');
    assert.ok(received === '' || /^HTTP\/1\.1 503 /.test(received), received);
  }
  for (const socket of established) assert.match(await ask(socket, '/-/health'), /^HTTP\/1\.1 200 /);
  const metrics = await ask(established[0], '/-/metrics');
  assert.match(metrics, /^internal_events_connections_refused_total 5$/m);
  assert.match(metrics, /^internal_events_connections_open 10$/m);
  for (const socket of established) socket.destroy();
  // Once they are gone, new connections are served again.
  let health;
  for (let tries = 0; tries < 20; tries += 1) {
    health = await fetch(`${receiver.url}/-/health`).catch(() => undefined);
    if (health?.status === 200) break;
    await sleep(100);
  }
  assert.equal(health?.status, 200);
  assert.equal((await post(receiver, 'track_event', { event: SUGGESTION, user_id: 1 })).status, 200);
  assert.equal(await total(receiver, SUGGESTION), 1);
  await memoryReturns(receiver, baseline);
});

test('--max-connections must be a whole number', async () => {
  const { spawnSync } = await import('node:child_process');
  const { binary, root } = await import('./receiver.mjs');
  const result = spawnSync(binary, ['serve', '--max-connections', 'many', '--listen', '127.0.0.1:0'], { cwd: root, encoding: 'utf8', timeout: 10000 });
  assert.equal(result.status, 2);
  assert.match(result.stderr, /--max-connections many must be a whole number/);
});
