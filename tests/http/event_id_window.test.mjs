// The SQLite store remembers event ids in memory, at most --dedupe-memory-max of them: past the cap
// the oldest are forgotten early, the window shortens (a gauge, one log line), repeats of recent
// events are still recognised, and nothing acknowledged is lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

import { SUGGESTION, answer, binary, eventId, post, receiverFor, root, total } from './receiver.mjs';

const WEEK_SECONDS = 7 * 24 * 3600;

const batch = (first, count) => ({
  events: Array.from({ length: count }, (_, i) => ({ event: SUGGESTION, eid: eventId(first + i), user_id: 1 + ((first + i) % 50) })),
});

async function gauges(receiver) {
  const text = await (await fetch(`${receiver.url}/-/metrics`)).text();
  const read = (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  return { window: read('internal_events_event_id_window_seconds'), bytes: read('internal_events_event_id_memory_bytes') };
}

test('with room to spare the window is the whole week', async (t) => {
  const receiver = await receiverFor(t);
  assert.equal((await answer(await post(receiver, 'track_events', batch(0, 100)))).status, 200);
  const { window, bytes } = await gauges(receiver);
  assert.equal(window, WEEK_SECONDS);
  assert.ok(bytes > 0 && bytes <= 2 * 1024 * 1024, `a fresh set is small: ${bytes} bytes`);
});

test('past --dedupe-memory-max the oldest ids are forgotten, the newest still recognised', async (t) => {
  const receiver = await receiverFor(t, ['--dedupe-memory-max', '1MiB']);
  const batches = 100;
  for (let n = 0; n < batches; n += 1) {
    const { status, json } = await answer(await post(receiver, 'track_events', batch(n * 1000, 1000)));
    assert.equal(status, 200);
    assert.equal(json.accepted, 1000);
  }
  assert.equal(await total(receiver, SUGGESTION), batches * 1000, 'every acknowledged event counted once');

  const { window, bytes } = await gauges(receiver);
  assert.ok(window > 0 && window < WEEK_SECONDS, `the window shortened: ${window} s`);
  assert.ok(bytes <= 1024 * 1024, `the cap holds: ${bytes} bytes`);
  const told = receiver.errors().split('\n').filter((line) => line.includes('--dedupe-memory-max'));
  assert.equal(told.length, 1, receiver.errors());
  assert.match(told[0], /forgotten early.*not 7 days/);

  // The last batch is remembered: sent again, it changes nothing.
  await post(receiver, 'track_events', batch((batches - 1) * 1000, 1000));
  assert.equal(await total(receiver, SUGGESTION), batches * 1000);
  // The first was forgotten: it counts again, as it would after a week.
  await post(receiver, 'track_events', batch(0, 1000));
  assert.equal(await total(receiver, SUGGESTION), (batches + 1) * 1000);
  assert.equal((await fetch(`${receiver.url}/-/health`)).status, 200);
  assert.equal(receiver.errors().split('\n').filter((line) => line.includes('--dedupe-memory-max')).length, 1, 'said once');
});

test('a cap below 1MiB or not a size is a usage error naming the option', () => {
  for (const value of ['512k', 'lots', '1.5G']) {
    const result = spawnSync(binary, ['serve', '--dedupe-memory-max', value, '--listen', '127.0.0.1:0'], { cwd: root, encoding: 'utf8', timeout: 10000 });
    assert.notEqual(result.status, 0, value);
    assert.match(result.stderr, new RegExp(`--dedupe-memory-max ${value.replace('.', '\\.')} must be a size of at least 1MiB`));
    assert.equal(result.stderr.trim().split('\n').length <= 2, true, result.stderr);
  }
});
