// However a client cuts a request's bytes, the receiver reads the request whole and nothing more:
// a body that arrives in pieces, one larger than a single read, a chunked one, and a request
// pipelined right behind a body in the same packet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import { SUGGESTION, answer, receiverFor, total } from './receiver.mjs';

const batchOf = (count, firstUser, label = 'diff') => JSON.stringify({
  events: Array.from({ length: count }, (_, i) => ({ event: SUGGESTION, user_id: firstUser + i, additional_properties: { label } })),
});

const requestText = (body, extraHeaders = '') =>
  `POST /api/v4/usage_data/track_events HTTP/1.1\r\nHost: test\r\nContent-Type: text/plain\r\n${extraHeaders}` +
  `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

// Writes each piece in turn, a little apart so that each arrives on its own, and resolves with
// what the receiver answered once `answers` responses have come.
function exchange(receiver, pieces, answers) {
  const { hostname, port } = new URL(receiver.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      received += chunk;
      const statuses = [...received.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => Number(match[1]));
      const bodies = [...received.matchAll(/\{"accepted":\d+,"rejected":\[\]\}/g)].length;
      if (statuses.length === answers && bodies === answers) {
        socket.end();
        resolve({ statuses, received });
      }
    });
    socket.on('error', reject);
    socket.on('connect', async () => {
      for (const piece of pieces) {
        socket.write(piece);
        await sleep(30);
      }
    });
  });
}

test('a body that arrives in pieces is read whole, and a request pipelined behind it is answered too', async (t) => {
  const receiver = await receiverFor(t);
  const first = requestText(batchOf(50, 1));
  const cut = first.indexOf('\r\n\r\n') + 1000;  // the header and part of the body, then the rest
  const second = requestText(batchOf(1, 1000));
  const { statuses, received } = await exchange(receiver, [first.slice(0, cut), first.slice(cut) + second], 2);
  assert.deepEqual(statuses, [200, 200]);
  assert.match(received, /\{"accepted":50,"rejected":\[\]\}[\s\S]*\{"accepted":1,"rejected":\[\]\}/);
  assert.equal(await total(receiver, SUGGESTION), 51);
});

test('a body larger than one read, and a chunked body, are read whole', async (t) => {
  const receiver = await receiverFor(t);
  const large = batchOf(200, 1, 'x'.repeat(400));  // about 100 KB: more than the 64 KiB one read asks for
  assert.ok(Buffer.byteLength(large) > 64 * 1024);
  const small = batchOf(1, 500);  // on the same connection, once the large one's buffer is let go
  const { statuses } = await exchange(receiver, [requestText(large), requestText(small)], 2);
  assert.deepEqual(statuses, [200, 200]);

  const chunked = batchOf(20, 1000);
  const chunks = [chunked.slice(0, 700), chunked.slice(700)];
  const chunkedText = 'POST /api/v4/usage_data/track_events HTTP/1.1\r\nHost: test\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n' +
    chunks.map((chunk) => `${Buffer.byteLength(chunk).toString(16)}\r\n${chunk}\r\n`).join('') + '0\r\n\r\n';
  const response = await exchange(receiver, [chunkedText.slice(0, 300), chunkedText.slice(300)], 1);
  assert.deepEqual(response.statuses, [200]);
  assert.equal(await total(receiver, SUGGESTION), 221);
});

test('a body shorter than its Content-Length is never counted', async (t) => {
  const receiver = await receiverFor(t);
  const text = requestText(batchOf(10, 1));
  const { hostname, port } = new URL(receiver.url);
  const socket = connect(Number(port), hostname);
  await new Promise((resolve) => socket.on('connect', resolve));
  socket.end(text.slice(0, text.length - 10));  // the client gives up before the end of the body
  await new Promise((resolve) => socket.on('close', resolve));
  const health = await answer(await fetch(`${receiver.url}/-/health`));
  assert.equal(health.status, 200);
  assert.equal(await total(receiver, SUGGESTION), 0);
});
