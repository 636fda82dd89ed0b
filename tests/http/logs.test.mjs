// Quiet, useful logs (#18, point 2): a problem every event of a flood shares is logged once, then
// at most once a minute, and counted in /-/metrics by event and reason; random event names cannot
// grow either; every stderr line has one format, text or --log-format json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

import { SUGGESTION, binary, freePort, post, receiverFor, root, stop } from './receiver.mjs';

const TEXT_LINE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (info|warn|error) \S.*$/;
const PROBLEMS = 'internal_events_event_problems_total';

function lines(text) {
  return text.split('\n').filter((line) => line !== '');
}

async function prometheus(receiver) {
  const response = await fetch(`${receiver.url}/-/metrics`);
  assert.equal(response.status, 200);
  return response.text();
}

function problemCount(text, event, reason) {
  const line = `${PROBLEMS}{event="${event}",reason="${reason}"} `;
  const found = text.split('\n').find((l) => l.startsWith(line));
  return found === undefined ? undefined : Number(found.slice(line.length));
}

async function sendBatches(receiver, batches, makeEvent) {
  for (let batch = 0; batch < batches; batch += 1) {
    const events = Array.from({ length: 1000 }, (_, i) => makeEvent(batch * 1000 + i));
    const response = await post(receiver, 'track_events', { events });
    assert.equal(response.status, 200);
    await response.arrayBuffer();
  }
}

test('10 000 events with the same problem write one line and count 10000; another problem has its own line', async (t) => {
  const receiver = await receiverFor(t);
  // pull_package counts unique namespaces: events without one skip that rule.
  await sendBatches(receiver, 10, (n) => ({ event: 'pull_package', user_id: n + 1, project_id: 7 }));
  const flood = lines(receiver.errors()).filter((line) => line.includes("event 'pull_package'"));
  assert.equal(flood.length, 1, receiver.errors().slice(0, 2000));
  assert.match(flood[0], /warn event 'pull_package': skipped \{hll_counters\}_pull_package-namespace-\S+: the event has no namespace\.id$/);
  assert.equal(problemCount(await prometheus(receiver), 'pull_package', 'missing namespace.id'), 10000);

  assert.equal((await post(receiver, 'track_event', { event: SUGGESTION, project_id: 7 })).status, 200);
  assert.equal((await post(receiver, 'track_event', { event: SUGGESTION, project_id: 7 })).status, 200);
  const own = lines(receiver.errors()).filter((line) => line.includes(`event '${SUGGESTION}'`));
  assert.equal(own.length, 1);
  assert.match(own[0], /the event has no user\.id$/);
  const text = await prometheus(receiver);
  assert.match(text, /^# TYPE internal_events_event_problems_total counter$/m);
  assert.equal(problemCount(text, SUGGESTION, 'missing user.id'), 2);

  // Rejected events are problems too, by their reason.
  await post(receiver, 'track_events', { events: [{ event: 'pull_package', additional_properties: { label: 3 } }, 42] });
  const rejected = await prometheus(receiver);
  assert.equal(problemCount(rejected, 'pull_package', 'invalid property type'), 1);
  assert.equal(problemCount(rejected, '(no event name)', 'invalid event'), 1);

  // What was not logged is said once at shutdown, with its count: the log loses no problem.
  await stop(receiver);
  const all = lines(receiver.errors());
  for (const line of all) assert.match(line, TEXT_LINE);
  assert.ok(all.some((line) => line.endsWith("event 'pull_package': missing namespace.id: 9999 more since its last line")), all.join('\n'));
  assert.ok(all.some((line) => line.endsWith(`event '${SUGGESTION}': missing user.id: 1 more since its last line`)), all.join('\n'));
});

test('Snowplow copies a full outbox cannot take are problems of their events', async (t) => {
  const receiver = await receiverFor(t, ['--collector', `http://127.0.0.1:${await freePort()}`, '--outbox-max-events', '0']);
  const events = Array.from({ length: 5 }, (_, i) => ({ event: 'pull_package', user_id: i + 1, project_id: 7, namespace_id: 9 }));
  assert.equal((await post(receiver, 'track_events', { events })).status, 200);
  assert.equal(problemCount(await prometheus(receiver), 'pull_package', 'snowplow copy not queued'), 5);
  const lines = receiver.errors().split('\n').filter((line) => line.includes('Snowplow copy was not queued'));
  assert.equal(lines.length, 1);
});

test('random event names cannot grow the metrics or the log past the cap of 10 000 keys', async (t) => {
  const receiver = await receiverFor(t);
  await sendBatches(receiver, 11, (n) => ({ event: `random_${n}_${Math.random().toString(36).slice(2)}` }));
  const text = await prometheus(receiver);
  const keys = text.split('\n').filter((line) => line.startsWith(`${PROBLEMS}{`));
  assert.equal(keys.length, 10001);  // 10 000 events of their own and one "other events" key
  assert.equal(problemCount(text, '(other events)', 'unknown event'), 1000);
  const logged = lines(receiver.errors());
  assert.equal(logged.length, 10001);  // each event's first line, and one for the fold
  assert.match(logged.at(-1), /more than 10000 events have problems: from now on new ones are counted as \(other events\)/);
});

test('--log-format json: every stderr line of a run, start-up to SIGTERM, is a JSON object with time, level and message', async (t) => {
  const receiver = await receiverFor(t, ['--log-format', 'json']);
  await sendBatches(receiver, 1, (n) => ({ event: 'pull_package', user_id: n + 1, project_id: 7 }));
  await post(receiver, 'track_events', { events: [{ event: 'no_such_event' }, 'not an event', { event: 'line\nbreak' }] });
  await stop(receiver);
  const all = lines(receiver.errors());
  assert.ok(all.length >= 5, receiver.errors());
  const entries = all.map((line) => JSON.parse(line));
  for (const entry of entries) {
    assert.match(entry.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(['info', 'warn', 'error'].includes(entry.level), entry.level);
    assert.equal(typeof entry.message, 'string');
  }
  const first = entries.find((entry) => entry.event === 'pull_package' && entry.count === 1);
  assert.equal(first.reason, 'missing namespace.id');
  const last = entries.find((entry) => entry.event === 'pull_package' && entry.count === 999);
  assert.match(last.message, /999 more since its last line/);
  assert.ok(entries.some((entry) => entry.event === 'line\nbreak' && entry.reason === 'unknown event'));
});

test('INTERNAL_EVENTS_LOG_FORMAT sets the format; a bad one is a usage error naming the choices', async (t) => {
  process.env.INTERNAL_EVENTS_LOG_FORMAT = 'json';
  let receiver;
  try {
    receiver = await receiverFor(t);
  } finally {
    delete process.env.INTERNAL_EVENTS_LOG_FORMAT;
  }
  await post(receiver, 'track_event', { event: SUGGESTION });
  await stop(receiver);
  assert.equal(JSON.parse(lines(receiver.errors())[0]).event, SUGGESTION);

  const bad = spawnSync(binary, ['serve', '--log-format', 'xml', '--listen', '127.0.0.1:0'], { cwd: root, encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, 'internal-events serve: --log-format xml is not a log format: text or json (try --help)\n');
});

test('text lines escape line breaks: an event name cannot start a line of its own', async (t) => {
  const receiver = await receiverFor(t);
  await post(receiver, 'track_event', { event: 'fake\n2026-01-01T00:00:00.000Z error forged' });
  await stop(receiver);
  const all = lines(receiver.errors());
  assert.equal(all.length, 1);
  assert.match(all[0], TEXT_LINE);
  assert.match(all[0], /unknown event 'fake\\n2026-01-01T00:00:00\.000Z error forged'/);
});
