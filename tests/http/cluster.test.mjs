// Receivers on a real Redis Cluster (3 masters on loopback, with a replica each for the failover):
// two receivers count an event sent to both once and deliver its Snowplow copy once; a master
// killed under load with ?wait=1 is replaced by its replica while the receiver answers only 2xx or
// 503, and no acknowledged event is lost; with wait=1 and no replica nothing is acknowledged;
// `copy` from an embedded store into the cluster gives the same service ping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';

import { startCollectorSink } from '../support/collector_sink.mjs';
import { haveRedisCluster, startRedisCluster } from '../support/redis_cluster.mjs';
import { SUGGESTION, binary, eventId, post, startReceiver, stop, tempDir, total } from './receiver.mjs';

const skip = !haveRedisCluster && 'no redis-server and redis-cli';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const PULL = 'pull_package';

async function clusterFor(t, options) {
  const cluster = await startRedisCluster(options);
  t.after(() => cluster.stop());
  return cluster;
}

async function receiverOn(t, store, extraArgs = []) {
  const dir = tempDir(t);
  const receiver = await startReceiver(['--store', store, ...extraArgs], { dir });
  t.after(() => stop(receiver));
  return receiver;
}

const batchOf = (from, size) => ({
  events: Array.from({ length: size }, (_, i) => ({ event: i % 2 ? PULL : SUGGESTION, user_id: from + i, project_id: 7, eid: eventId(from + i) })),
});

test('two receivers on the cluster: the same eids sent to both count once, and each copy reaches the collector once', { skip }, async (t) => {
  const cluster = await clusterFor(t);
  const sink = await startCollectorSink();
  t.after(() => sink.close());
  const forwarding = ['--collector', sink.url, '--collector-batch-bytes', '3000'];
  const first = await receiverOn(t, cluster.url, forwarding);
  const second = await receiverOn(t, cluster.url, forwarding);
  // 200 events (100 of each event name), every batch sent to both receivers at once.
  const answers = await Promise.all(Array.from({ length: 10 }, (_, b) => [first, second].map((receiver) =>
    post(receiver, 'track_events', batchOf(b * 20, 20)).then((response) => response.status))).flat());
  assert.deepEqual(new Set(answers), new Set([200]));
  assert.equal(await total(first, SUGGESTION), 100);
  assert.equal(await total(second, PULL), 100);

  const received = await sink.waitFor(200);
  await sleep(500);  // nothing more comes
  assert.equal(received.length, 200);
  assert.equal(new Set(received.map((event) => event.eid)).size, 200);
});

// Sends batches from `workers` loops until `until()` says stop; each batch's status is recorded.
async function sustainedLoad(receiver, { workers, size, until }) {
  const batches = [];
  let next = 0;
  await Promise.all(Array.from({ length: workers }, async () => {
    while (!until()) {
      const from = next;
      next += size;
      let status;
      try {
        status = (await post(receiver, 'track_events', batchOf(from, size))).status;
      } catch (error) {
        status = `no answer (${error.cause?.code ?? error.message})`;
      }
      batches.push({ from, status });
    }
  }));
  return batches;
}

test('a master killed under load with wait=1: only 2xx or 503 meanwhile, and no acknowledged event is lost', { skip }, async (t) => {
  const cluster = await clusterFor(t, { replicas: 1 });
  const receiver = await receiverOn(t, `${cluster.url}?wait=1`);
  // The master of the suggestion's slot: half of every batch lives there.
  const port = cluster.portForKey(`{${SUGGESTION}}`);
  const index = cluster.masters().findIndex((master) => master.port === port);

  let stopping = false;
  const load = sustainedLoad(receiver, { workers: 4, size: 20, until: () => stopping });
  await sleep(1000);
  const killed = await cluster.killMaster(index);
  await cluster.waitForFailover();
  await sleep(500);
  await cluster.restart(killed);  // back as its successor's replica: WAIT 1 can be met again
  await sleep(1500);
  stopping = true;
  const batches = await load;

  const statuses = new Map();
  for (const { status } of batches) statuses.set(status, (statuses.get(status) ?? 0) + 1);
  t.diagnostic(`answers during the failover: ${JSON.stringify(Object.fromEntries(statuses))}`);
  assert.deepEqual([...statuses.keys()].filter((status) => status !== 200 && status !== 503), []);
  assert.ok(statuses.get(200) > 0);

  // A client sends what was not acknowledged again, with the same ids, until it is.
  const unacknowledged = batches.filter((batch) => batch.status !== 200);
  for (const batch of unacknowledged) {
    let status;
    for (let attempt = 0; attempt < 100 && status !== 200; attempt += 1) {
      status = (await post(receiver, 'track_events', batchOf(batch.from, 20))).status;
      if (status !== 200) await sleep(200);
    }
    assert.equal(status, 200);
  }
  // Every event once: an acknowledged one lost would be missing, one written twice would be extra.
  const sent = batches.length * 10;
  assert.equal(await total(receiver, SUGGESTION), sent);
  assert.equal(await total(receiver, PULL), sent);
});

test('wait=1 on masters without replicas: 503 naming the replicas, never a 2xx', { skip }, async (t) => {
  const cluster = await clusterFor(t);
  const receiver = await receiverOn(t, `${cluster.url}?wait=1`);
  const response = await post(receiver, 'track_events', batchOf(0, 2));
  assert.equal(response.status, 503);
  assert.match((await response.json()).error, /0 of 1 replicas acknowledged/);
});

function cli(...args) {
  const result = spawnSync(binary, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`internal-events ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

// Days relative to today: weekly keys live six weeks by the real clock, in both stores. (The ISO
// year edge is tested with a set clock in tests/native/redis_cluster_store_test.cpp.)
const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

test('copy from an embedded store into the cluster gives the same service ping', { skip }, async (t) => {
  const cluster = await clusterFor(t);
  const dir = tempDir(t);
  const sqlite = `sqlite:${path.join(dir, 'embedded.sqlite3')}`;
  const days = [day(-20), day(-15), day(-9), day(-3), day(0)];
  for (const [d, date] of days.entries()) {
    for (let user = 1; user <= 3 + d; user += 1) {
      cli('track', SUGGESTION, '--user', String(user), '--project', '7', '--property', 'label=diff', '--store', sqlite, '--date', date);
      cli('track', PULL, '--user', String(user + d), '--project', String(d + 1), '--store', sqlite, '--date', date);
    }
  }
  const copied = cli('copy', '--from', sqlite, '--to', cluster.url);
  assert.match(copied, /^copied \d+ keys/m);
  assert.equal(cli('copy', '--from', sqlite, '--to', cluster.url), copied, 'copying again changes nothing');
  for (const date of [day(-8), day(0), day(7)]) {
    const embedded = JSON.parse(cli('metrics', '--store', sqlite, '--date', date, '--json'));
    const clustered = JSON.parse(cli('metrics', '--store', cluster.url, '--date', date, '--json'));
    assert.deepEqual(clustered, embedded, date);
  }
  // The keys are spread: more than one master holds some.
  const holding = cluster.masters().filter((master) =>
    Number(execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(master.port), 'DBSIZE'], { encoding: 'utf8' })) > 0);
  assert.ok(holding.length >= 2, `keys on ${holding.length} master(s)`);
});
