// What the receiver depends on goes away under load and comes back: Redis (SIGKILL, restarted on
// its port and files), one master of a Redis Cluster without replicas, the Snowplow collector.
// Meanwhile tracking is 2xx or 503, never a 2xx for what was not written, /-/health stays 200
// (liveness), and afterwards, by itself, the receiver tracks again and nothing acknowledged is lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

import { startCollectorSink } from '../support/collector_sink.mjs';
import { haveRedisCluster, startRedisCluster } from '../support/redis_cluster.mjs';
import { haveRedis, killRedis, startRedis } from '../support/redis_process.mjs';
import { memoryReturns, rssKb } from './abuse_support.mjs';
import {
  SUGGESTION_AND_PULL, assertCountedOnce, assertOnly2xxOr503, batchOf, eidsOf, metricsValue, resend, settled, startLoad,
  statusCounts, watchHealth,
} from './faults_support.mjs';
import { SUGGESTION, answer, freePort, post, sqliteArgs, startReceiver, stop, tempDir } from './receiver.mjs';

async function receiverOn(t, args) {
  const dir = tempDir(t);
  const receiver = await startReceiver(args, { dir });
  t.after(() => stop(receiver));
  return receiver;
}

const readiness = async (receiver) => (await fetch(`${receiver.url}/-/readiness`)).status;

async function untilReady(receiver, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  while (await readiness(receiver) !== 200) {
    if (Date.now() > deadline) throw new Error(`the receiver was not ready again within ${timeoutMs} ms`);
    await sleep(50);
  }
}

// A short load that warms the receiver up; its resident memory afterwards is the baseline.
async function warmedUp(receiver) {
  const warmUp = startLoad(() => receiver, { firstId: 10_000_000 });
  await sleep(300);
  const batches = await warmUp.stop();
  assertOnly2xxOr503(batches);
  await sleep(200);
  return { warmUpBatches: batches, baseline: rssKb(receiver) };
}

// Load, `fault()` while it runs, `recovery()`, more load; then the clients' retries and the counts.
// fault and recovery get probe(): one batch of two events, answered and kept with the load's.
async function underLoad(t, receiver, { fault, recovery }) {
  const { warmUpBatches, baseline } = await warmedUp(receiver);
  const probes = [];
  const probe = async () => {
    const batch = { from: 20_000_000 + probes.length * 2, size: 2, events: SUGGESTION_AND_PULL };
    const reply = await answer(await post(receiver, 'track_events', batchOf(batch.from, batch.size, batch.events)));
    probes.push({ ...batch, status: reply.status });
    return reply;
  };
  const health = watchHealth(() => receiver);
  const load = startLoad(() => receiver);
  t.after(() => Promise.all([load.stop(), health.stop().catch(() => {})]));
  await sleep(500);
  await fault(probe);
  await recovery(probe);
  await sleep(500);
  const loadBatches = await load.stop();
  const batches = [...loadBatches, ...probes];
  t.diagnostic(`answers: ${JSON.stringify(statusCounts(batches))}`);
  assertOnly2xxOr503(batches);
  assert.ok(batches.some(({ status }) => status === 503), 'no 503 while it was down: nothing tested');
  assert.equal(loadBatches.at(-1).status, 200, 'not tracking again after the recovery');
  await resend(receiver, batches);
  await assertCountedOnce(receiver, [...warmUpBatches, ...batches]);
  await health.stop();
  await memoryReturns(receiver, baseline);
}

async function assertRefused(probe) {
  const refused = await probe();
  assert.equal(refused.status, 503);
  assert.match(refused.json.error, /^store unavailable: /);
}

test('Redis SIGKILLed and restarted under load: 503 meanwhile, then tracking again, nothing acknowledged lost', { skip: !haveRedis && 'no redis-server' }, async (t) => {
  const dir = tempDir(t);
  const port = await freePort();
  let redis = await startRedis(port, dir);
  t.after(() => killRedis(redis));
  const receiver = await receiverOn(t, ['--store', `redis://127.0.0.1:${port}`]);
  await underLoad(t, receiver, {
    fault: async (probe) => {
      await killRedis(redis);
      await sleep(300);
      await assertRefused(probe);
      assert.equal(await readiness(receiver), 503);
      await sleep(500);
    },
    recovery: async () => {
      redis = await startRedis(port, dir);
      await untilReady(receiver);
    },
  });
});

test('a cluster master without a replica killed and restarted under load: 503 meanwhile, then counted', { skip: !haveRedisCluster && 'no redis-server and redis-cli' }, async (t) => {
  const cluster = await startRedisCluster();
  t.after(() => cluster.stop());
  const receiver = await receiverOn(t, ['--store', cluster.url]);
  const port = cluster.portForKey(`{${SUGGESTION}}`);  // half of every batch lives there
  const index = cluster.masters().findIndex((master) => master.port === port);
  let killed;
  await underLoad(t, receiver, {
    fault: async (probe) => {
      const started = Date.now();
      killed = await cluster.killMaster(index);
      await sleep(300);
      await assertRefused(probe);
      t.diagnostic(`first 503 ${Date.now() - started} ms after the kill`);
      await sleep(500);
    },
    recovery: async (probe) => {
      const started = Date.now();
      await cluster.restart(killed);
      t.diagnostic(`restarted in ${Date.now() - started} ms`);
      // Its slots answer again once the receiver's routing found the node back.
      for (let i = 0; i < 200; i += 1) {
        if ((await probe()).status === 200) return;
        await sleep(50);
      }
      throw new Error('the restarted master\'s slots were not tracked again within 10 s');
    },
  });
});

// The receiver's SQLite page cache (16 MiB, sqlite_writer.cpp) fills with the outbox's pages: the
// warm-up fills it (with the collector down, as in the case), and the baseline is taken once the
// freed pages of that burst went back to the system.
test('the collector down and back: tracking is 2xx, the outbox grows, then drains, every event delivered once', async (t) => {
  const port = await freePort();
  const dir = tempDir(t);
  const receiver = await receiverOn(t, [...sqliteArgs(dir), '--collector', `http://127.0.0.1:${port}`]);
  const warmUp = startLoad(() => receiver, { firstId: 10_000_000 });
  await sleep(2000);
  const warmUpBatches = await warmUp.stop();
  const baseline = await settled(() => rssKb(receiver), { quietMs: 1500, timeoutMs: 15000 });

  const health = watchHealth(() => receiver);
  const load = startLoad(() => receiver);
  t.after(() => Promise.all([load.stop(), health.stop().catch(() => {})]));
  await sleep(1000);
  const batches = [...warmUpBatches, ...await load.stop()];
  assert.deepEqual(statusCounts(batches), { 200: batches.length }, 'tracking waited on the collector');
  const sent = eidsOf(batches);
  assert.equal(await metricsValue(receiver, 'internal_events_outbox_depth'), sent.length);

  const sink = await startCollectorSink({ port });
  t.after(() => sink.close());
  const received = await sink.waitFor(sent.length, 30000);
  for (let i = 0; i < 100 && await metricsValue(receiver, 'internal_events_outbox_depth') !== 0; i += 1) await sleep(50);
  assert.equal(await metricsValue(receiver, 'internal_events_outbox_depth'), 0);
  await sleep(300);  // nothing more comes
  const eids = received.map((event) => event.eid);
  assert.equal(eids.length, sent.length);
  assert.deepEqual(new Set(eids), new Set(sent));
  await health.stop();
  await memoryReturns(receiver, baseline, { waitMs: 15000 });
  t.diagnostic(`${sent.length} events delivered after the outage; memory ${rssKb(receiver)} kB, baseline ${baseline} kB`);
});
