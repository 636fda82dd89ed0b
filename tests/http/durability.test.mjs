// A 2xx means committed: a receiver killed right after answering loses nothing, and SIGTERM
// finishes what is in flight before exiting 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { SUGGESTION, eventId, post, sqliteArgs, startReceiver, stop, tempDir, total } from './receiver.mjs';

const batchOf = (from, size) => ({
  events: Array.from({ length: size }, (_, i) => ({ event: SUGGESTION, user_id: from + i, eid: eventId(from + i) })),
});

// Sends `requests` batches at once and returns how many events were acknowledged.
async function sendConcurrently(receiver, requests, size, firstId = 0) {
  const answers = await Promise.allSettled(
    Array.from({ length: requests }, (_, r) => post(receiver, 'track_events', batchOf(firstId + r * size, size))
      .then(async (response) => ({ status: response.status, body: await response.json() }))));
  let acknowledged = 0;
  for (const result of answers) {
    if (result.status === 'fulfilled' && result.value.status === 200) acknowledged += result.value.body.accepted;
  }
  return acknowledged;
}

test('SIGKILL right after 2xx answers loses no acknowledged event', async (t) => {
  const dir = tempDir(t);
  const first = await startReceiver(sqliteArgs(dir), { dir });
  const acknowledged = await sendConcurrently(first, 40, 25);
  assert.equal(acknowledged, 1000);
  first.child.kill('SIGKILL');
  assert.equal((await first.exited).signal, 'SIGKILL');

  const second = await startReceiver(sqliteArgs(dir), { dir });
  t.after(() => stop(second));
  assert.equal(await total(second, SUGGESTION), acknowledged);
  // The ids were remembered durably too: sending the same batches again changes nothing.
  assert.equal(await sendConcurrently(second, 40, 25), 1000);
  assert.equal(await total(second, SUGGESTION), acknowledged);
});

test('SIGTERM answers in-flight requests, closes idle connections and exits 0', async (t) => {
  const dir = tempDir(t);
  const first = await startReceiver(sqliteArgs(dir), { dir });
  // fetch keeps connections alive: shutdown must not wait for those idle clients.
  await post(first, 'track_event', { event: SUGGESTION, user_id: 1, eid: eventId(999999) });
  const inFlight = sendConcurrently(first, 30, 20, 1000);
  await new Promise((resolve) => setTimeout(resolve, 5));
  first.child.kill('SIGTERM');
  const [acknowledged, exit] = await Promise.all([inFlight, first.exited]);
  t.diagnostic(`${acknowledged} of 600 in-flight events acknowledged before the exit`);
  assert.equal(exit.code, 0);
  assert.match(first.output(), /^stopped/m);

  const second = await startReceiver(sqliteArgs(dir), { dir });
  t.after(() => stop(second));
  const counted = await total(second, SUGGESTION);
  // Every acknowledged event is there; a request cut off before its answer may have landed too.
  assert.ok(counted >= acknowledged + 1, `${counted} counted, ${acknowledged + 1} acknowledged`);
  assert.ok(counted <= 30 * 20 + 1);
});
