// What the fault suites share: a load of concurrent clients whose batches carry unique eids (so a
// client may retry any of them), the client's retry of what was not acknowledged, the checks that
// every event counted once, a watch on /-/health while a fault lasts, and the eids a store's
// Snowplow outbox still holds (read from the store itself, with the receivers stopped).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

import { SUGGESTION, eventId, post, total } from './receiver.mjs';

export const PULL = 'pull_package';
export const SUGGESTION_AND_PULL = [SUGGESTION, PULL];  // two slots on a cluster

// Event i of a batch is events[i % events.length]; ids are unique over the whole run.
export function batchOf(from, size, events) {
  return {
    events: Array.from({ length: size }, (_, i) => ({ event: events[i % events.length], user_id: from + i + 1, project_id: 7, eid: eventId(from + i) })),
  };
}

async function send(receiver, batch) {
  try {
    return (await post(receiver, 'track_events', batch)).status;
  } catch (error) {
    return `no answer (${error.cause?.code ?? error.message})`;
  }
}

// `workers` clients send batches of `size` until stop(); target() names the receiver each batch
// goes to (it may change, as after a restart). Every batch is recorded with its answer.
export function startLoad(target, { workers = 4, size = 20, events = SUGGESTION_AND_PULL, firstId = 0 } = {}) {
  const batches = [];
  let next = firstId;
  let stopping = false;
  const done = Promise.all(Array.from({ length: workers }, async () => {
    while (!stopping) {
      const from = next;
      next += size;
      const status = await send(target(), batchOf(from, size, events));
      batches.push({ from, size, events, status });
      if (status !== 200) await sleep(20);  // a client backs off a little
    }
  }));
  return {
    batches,
    get sent() { return batches.reduce((sum, batch) => sum + batch.size, 0); },
    async stop() {
      stopping = true;
      await done;
      return batches;
    },
  };
}

export function statusCounts(batches) {
  const counts = {};
  for (const { status } of batches) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

// Only 2xx or 503 (or no answer from a dead receiver, when `deadAllowed`): never a 500.
export function assertOnly2xxOr503(batches, { deadAllowed = false } = {}) {
  const odd = batches.filter(({ status }) => status !== 200 && status !== 503 && !(deadAllowed && String(status).startsWith('no answer')));
  assert.deepEqual(odd.map(({ status }) => status), [], 'answers other than 200 and 503');
}

// A client sends what was not acknowledged again, with the same ids, until it is; and, as a
// client that missed an answer would, every `sampleEvery`-th acknowledged batch once more.
export async function resend(receiver, batches, { sampleEvery = 5, attempts = 100 } = {}) {
  let resent = 0;
  for (const [index, batch] of batches.entries()) {
    const again = batch.status !== 200 || index % sampleEvery === 0;
    if (!again) continue;
    let status;
    for (let attempt = 0; attempt < attempts && status !== 200; attempt += 1) {
      status = await send(receiver, batchOf(batch.from, batch.size, batch.events));
      if (status !== 200) await sleep(100);
    }
    assert.equal(status, 200, `batch from ${batch.from} was never acknowledged`);
    resent += 1;
  }
  return resent;
}

// Exactly once: each event name's total is the number of distinct events of that name sent.
export async function assertCountedOnce(receiver, batches) {
  const expected = {};
  for (const batch of batches) {
    for (let i = 0; i < batch.size; i += 1) {
      const name = batch.events[i % batch.events.length];
      expected[name] = (expected[name] ?? 0) + 1;
    }
  }
  for (const [name, count] of Object.entries(expected)) assert.equal(await total(receiver, name), count, `total of ${name}`);
}

export function eidsOf(batches) {
  return batches.flatMap((batch) => Array.from({ length: batch.size }, (_, i) => eventId(batch.from + i)));
}

// Polls /-/health every 50 ms until stopped; paused() says when the receiver is known to be down.
export function watchHealth(target, { paused = () => false } = {}) {
  const failures = [];
  let checks = 0;
  let stopping = false;
  const done = (async () => {
    while (!stopping) {
      if (!paused()) {
        const receiver = target();
        try {
          const response = await fetch(`${receiver.url}/-/health`, { signal: AbortSignal.timeout(2000) });
          await response.text();
          if (response.status !== 200 && !paused()) failures.push(response.status);
        } catch (error) {
          if (!paused() && receiver === target()) failures.push(error.cause?.code ?? error.name);
        }
        checks += 1;
      }
      await sleep(50);
    }
  })();
  return {
    async stop() {
      stopping = true;
      await done;
      assert.ok(checks > 0, 'health was never asked');
      assert.deepEqual(failures, [], '/-/health failed during the fault');
      return checks;
    },
  };
}

// The eid of every entry waiting in a store's outbox. Read from the store itself (the `outbox`
// command shows counts and dead letters only): SQLite's outbox table, Redis's outbox stream, or
// on a cluster every master's per-event outbox streams.
const BIG = 256 * 1024 * 1024;  // a full outbox is many megabytes of text

export function sqliteOutboxEids(file) {
  const text = execFileSync('sqlite3', [file, "SELECT json_extract(payload, '$.eid') FROM outbox ORDER BY seq"], { encoding: 'utf8', maxBuffer: BIG });
  return text.split('\n').filter(Boolean);
}

function streamEids(port, key) {
  const text = execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), '--raw', 'XRANGE', key, '-', '+'], { encoding: 'utf8', maxBuffer: BIG });
  return text.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line).eid);
}

export function redisOutboxEids(port) {
  return streamEids(port, 'internal_events:outbox');
}

export function clusterOutboxEids(masterPorts) {
  return masterPorts.flatMap((port) => {
    const keys = execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), '--scan', '--pattern', 'internal_events:outbox_{*}'], { encoding: 'utf8', maxBuffer: BIG });
    return keys.split('\n').filter(Boolean).flatMap((key) => streamEids(port, key));
  });
}

// Every acknowledged event is in the collector or still in the outbox, once. The one exception
// DESIGN.md allows: a receiver killed between the collector's 2xx and the removal of the batch
// leaves it queued, so the eids of `inFlightAtKill` (the last body the collector answered before
// the kill) may be seen twice.
export function assertDeliveredOnce({ acknowledged, received, waiting, inFlightAtKill = [] }) {
  const seen = new Map();
  for (const eid of [...received, ...waiting]) seen.set(eid, (seen.get(eid) ?? 0) + 1);
  const missing = acknowledged.filter((eid) => !seen.has(eid));
  assert.deepEqual(missing.slice(0, 5), [], `${missing.length} acknowledged events neither delivered nor queued`);
  const allowed = new Set(inFlightAtKill);
  const twice = [...seen].filter(([eid, count]) => count > 1 && !(count === 2 && allowed.has(eid)));
  assert.deepEqual(twice.slice(0, 5), [], `${twice.length} events delivered or queued more than once`);
  return [...seen].filter(([, count]) => count > 1).length;
}

// Waits until `value()` has not changed for `quietMs`.
export async function settled(value, { quietMs = 500, timeoutMs = 10000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = await value();
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error(`still changing after ${timeoutMs} ms: ${last}`);
    await sleep(50);
    const now = await value();
    if (now !== last) {
      last = now;
      since = Date.now();
    }
  }
  return last;
}

export async function metricsValue(receiver, name) {
  const text = await (await fetch(`${receiver.url}/-/metrics`)).text();
  const match = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}
