// The receiver SIGKILLed under sustained load, on each store, with Snowplow forwarding on: it is
// restarted on the same store, the clients send again every batch that got no 2xx and a sample of
// those that did, and then every event is counted exactly once, and every acknowledged event is
// in the collector or still in the outbox, once (DESIGN.md "Snowplow forwarding": a copy the
// collector had answered just before the kill may come twice).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { startCollectorSink } from '../support/collector_sink.mjs';
import { haveRedisCluster, startRedisCluster } from '../support/redis_cluster.mjs';
import { haveRedis, killRedis, startRedis } from '../support/redis_process.mjs';
import { healthy, memoryReturns, rssKb } from './abuse_support.mjs';
import {
  assertCountedOnce, assertDeliveredOnce, assertOnly2xxOr503, clusterOutboxEids, eidsOf, redisOutboxEids, resend,
  settled, sqliteOutboxEids, startLoad, statusCounts, watchHealth,
} from './faults_support.mjs';
import { freePort, startReceiver, stop, tempDir } from './receiver.mjs';

async function killUnderLoad(t, store, waitingEids) {
  const dir = tempDir(t);
  const sink = await startCollectorSink();
  t.after(() => sink.close());
  const args = ['--store', store, '--collector', sink.url, '--collector-batch-bytes', '3000'];
  let current = await startReceiver(args, { dir });
  const first = current;
  t.after(() => stop(first, 'SIGKILL'));
  let dead = false;
  const health = watchHealth(() => current, { paused: () => dead });
  const load = startLoad(() => current);
  t.after(() => Promise.all([load.stop(), health.stop().catch(() => {})]));  // also when an assertion failed

  await sleep(1000);
  dead = true;
  first.child.kill('SIGKILL');
  assert.equal((await first.exited).signal, 'SIGKILL');
  await sleep(200);  // a body already sent to the sink is read by now
  const inFlightAtKill = (sink.bodies.at(-1)?.data ?? []).map((event) => event.eid);
  const deliveredBeforeKill = sink.received.length;

  const second = await startReceiver(args, { dir });
  t.after(() => stop(second));
  current = second;
  dead = false;
  await sleep(500);  // the load goes on against the restarted receiver: its warm-up
  const batches = await load.stop();
  const baseline = rssKb(second);
  t.diagnostic(`answers: ${JSON.stringify(statusCounts(batches))}; ${deliveredBeforeKill} copies delivered before the kill`);
  assertOnly2xxOr503(batches, { deadAllowed: true });
  assert.ok(batches.some(({ status }) => status === 200));
  assert.ok(batches.some(({ status }) => status !== 200), 'the kill cut no request off: nothing tested');

  const resent = await resend(second, batches);
  t.diagnostic(`${resent} of ${batches.length} batches sent again`);
  await assertCountedOnce(second, batches);
  await healthy(second);
  await memoryReturns(second, baseline);
  await health.stop();

  // The collector refuses from now on (503, nothing recorded) and the receiver is stopped once its
  // emitter is in backoff or idle: every 2xx the sink gave has then been acted on, so the outbox
  // read below and what the sink got are one picture.
  sink.setMode({ status: 503 });
  await settled(() => sink.requests, { quietMs: 700 });
  await stop(second);
  const waiting = waitingEids();
  const duplicates = assertDeliveredOnce({
    acknowledged: eidsOf(batches), received: sink.received.map((event) => event.eid), waiting, inFlightAtKill,
  });
  t.diagnostic(`${sink.received.length} delivered, ${waiting.length} still queued, ${duplicates} twice (in flight at the kill)`);
}

test('SIGKILL under load on SQLite: every event counted once, the outbox intact', async (t) => {
  const file = path.join(tempDir(t), 'store.sqlite3');
  await killUnderLoad(t, `sqlite:${file}`, () => {
    assert.equal(execFileSync('sqlite3', [file, 'PRAGMA integrity_check'], { encoding: 'utf8' }).trim(), 'ok');
    return sqliteOutboxEids(file);
  });
});

test('SIGKILL under load on Redis: every event counted once, the outbox intact', { skip: !haveRedis && 'no redis-server' }, async (t) => {
  const port = await freePort();
  const redis = await startRedis(port, tempDir(t));
  t.after(() => killRedis(redis));
  await killUnderLoad(t, `redis://127.0.0.1:${port}`, () => redisOutboxEids(port));
});

test('SIGKILL under load on a Redis Cluster: every event counted once, the outbox intact', { skip: !haveRedisCluster && 'no redis-server and redis-cli' }, async (t) => {
  const cluster = await startRedisCluster();
  t.after(() => cluster.stop());
  await killUnderLoad(t, cluster.url, () => clusterOutboxEids(cluster.masters().map((master) => master.port)));
});
