// The receiver on a real Redis that goes away and comes back: while it is down every tracking
// request is 503 (never a 2xx for unwritten data), reads and readiness are 503, and once it is
// back the receiver reconnects by itself. Redis runs with appendfsync always, so that the
// acknowledged events can be counted after its restart: none may be missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { haveRedis, killRedis, startRedis } from '../support/redis_process.mjs';
import { SUGGESTION, answer, eventId, freePort, post, startReceiver, stop, tempDir, total } from './receiver.mjs';

function event(n) {
  return { event: SUGGESTION, user_id: n, eid: eventId(n) };
}

async function untilReady(receiver) {
  for (let i = 0; i < 100; i += 1) {
    if ((await fetch(`${receiver.url}/-/readiness`)).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the receiver never became ready');
}

test('Redis down: 503 and nothing acknowledged is lost; Redis back: tracking again', { skip: !haveRedis && 'no redis-server' }, async (t) => {
  const dir = tempDir(t);
  const port = await freePort();
  let redis = await startRedis(port, dir);
  t.after(() => killRedis(redis));
  const receiver = await startReceiver(['--store', `redis://127.0.0.1:${port}`], { dir });
  t.after(() => stop(receiver));
  assert.match(receiver.output(), new RegExp(`store: redis://127\\.0\\.0\\.1:${port}`));

  let next = 0;
  let acknowledged = 0;
  const statuses = new Set();
  const track = async () => {
    const response = await post(receiver, 'track_event', event(next += 1));
    statuses.add(response.status);
    if (response.status === 200) acknowledged += 1;
    return answer(response);
  };
  for (let i = 0; i < 10; i += 1) await track();
  assert.equal(acknowledged, 10);

  // Redis dies while requests keep coming.
  const stream = Promise.all(Array.from({ length: 4 }, async () => { for (let i = 0; i < 25; i += 1) await track(); }));
  await new Promise((resolve) => setTimeout(resolve, 10));
  await killRedis(redis);
  await stream;
  assert.deepEqual([...statuses].filter((s) => s !== 200 && s !== 503), []);

  const down = await track();
  assert.equal(down.status, 503);
  assert.match(down.json.error, /store unavailable/);
  const batch = await answer(await post(receiver, 'track_events', { events: [event(next += 1)] }));
  assert.equal(batch.status, 503);
  assert.equal((await fetch(`${receiver.url}/-/readiness`)).status, 503);
  assert.equal((await fetch(`${receiver.url}/api/v4/usage_data/metrics?event=${SUGGESTION}&time_frame=all`)).status, 503);
  assert.equal((await fetch(`${receiver.url}/-/health`)).status, 200);

  redis = await startRedis(port, dir);
  await untilReady(receiver);
  const before = acknowledged;
  for (let i = 0; i < 5; i += 1) assert.equal((await track()).status, 200);
  assert.equal(acknowledged, before + 5);

  const counted = await total(receiver, SUGGESTION);
  assert.ok(counted >= acknowledged, `${counted} counted, ${acknowledged} acknowledged`);
  assert.ok(counted <= next);
});
