// `internal-events copy`: a store tracked into by the receiver, copied into a real Redis and back
// into a new SQLite file. The copies read the same service ping, keep each key's bytes and expiry
// (compared through `export`, which prints both), change nothing when run again, and remember the
// copied event ids, so an event sent again after the copy is a duplicate there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

import { haveRedis, killRedis, startRedis } from '../support/redis_process.mjs';
import { SUGGESTION, answer, binary, eventId, freePort, post, root, startReceiver, stop, tempDir, total } from './receiver.mjs';

const skip = !haveRedis && 'no redis-server';
const ADOPTION = 'i_analytics_dev_ops_adoption';

function run(...args) {
  return spawnSync(binary, args, { cwd: root, encoding: 'utf8' });
}

function cli(...args) {
  const result = run(...args);
  if (result.status !== 0) throw new Error(`internal-events ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  return result.stdout;
}

// `export`'s RESP (SET key value, then PEXPIREAT key ms) read back: key → { value, expiresAt }.
function exported(store) {
  const bytes = execFileSync(binary, ['export', '--store', store], { cwd: root });
  const keys = new Map();
  let at = 0;
  const line = () => {
    const end = bytes.indexOf('\r\n', at);
    const text = bytes.subarray(at, end).toString();
    at = end + 2;
    return text;
  };
  while (at < bytes.length) {
    const count = Number(line().slice(1));
    const args = Array.from({ length: count }, () => {
      const length = Number(line().slice(1));
      const arg = bytes.subarray(at, at + length);
      at += length + 2;
      return arg;
    });
    const key = args[1].toString();
    if (args[0].toString() === 'SET') keys.set(key, { value: args[2], expiresAt: 0 });
    else keys.get(key).expiresAt = Number(args[2].toString());
  }
  return keys;
}

// Redis's expiry is read as now plus PTTL, so it may come out a little earlier than the source's.
function assertSameKeys(actual, expected) {
  assert.deepEqual([...actual.keys()].sort(), [...expected.keys()].sort());
  for (const [key, { value, expiresAt }] of expected) {
    assert.ok(actual.get(key).value.equals(value), `${key}: the same bytes`);
    if (expiresAt === 0) assert.equal(actual.get(key).expiresAt, 0, `${key}: no expiry`);
    else assert.ok(Math.abs(actual.get(key).expiresAt - expiresAt) < 5000, `${key}: expires at ${actual.get(key).expiresAt}, not ${expiresAt}`);
  }
}

const metrics = (store) => JSON.parse(cli('metrics', '--store', store, '--json'));

function redisCli(port, ...args) {
  return execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8' }).trim();
}

// Events with ids into a fresh receiver on `store`; returns how many were sent.
async function trackInto(t, store, dir) {
  const receiver = await startReceiver(['--store', store], { dir });
  t.after(() => stop(receiver));
  const events = [
    ...Array.from({ length: 6 }, (_, i) => ({ event: SUGGESTION, user_id: i + 1, project_id: 7, eid: eventId(i + 1), additional_properties: { label: 'diff' } })),
    ...Array.from({ length: 4 }, (_, i) => ({ event: ADOPTION, user_id: i + 1, eid: eventId(100 + i), additional_properties: { value: 0.1 + i } })),
  ];
  const response = await answer(await post(receiver, 'track_events', { events }));
  assert.equal(response.status, 200, response.text);
  await stop(receiver);
  return events.length;
}

// A receiver on a copy: an event sent again with a copied id changes nothing, a new one counts.
async function assertIdsCarriedOver(t, store, dir) {
  const receiver = await startReceiver(['--store', store], { dir });
  t.after(() => stop(receiver));
  const before = await total(receiver, SUGGESTION);
  const again = { event: SUGGESTION, user_id: 1, project_id: 7, eid: eventId(1), additional_properties: { label: 'diff' } };
  assert.equal((await post(receiver, 'track_event', again)).status, 200);
  assert.equal(await total(receiver, SUGGESTION), before, `${store}: the copied id is a duplicate`);
  assert.equal((await post(receiver, 'track_event', { ...again, eid: eventId(999) })).status, 200);
  assert.equal(await total(receiver, SUGGESTION), before + 1, `${store}: a new id counts`);
  await stop(receiver);
}

test('copy sqlite → redis → new sqlite: same metrics, bytes and expiry, idempotent, event ids remembered', { skip }, async (t) => {
  const dir = tempDir(t);
  const port = await freePort();
  const redis = await startRedis(port, dir);
  t.after(() => killRedis(redis));
  const source = `sqlite:${path.join(dir, 'source.sqlite3')}`;
  const redisUrl = `redis://127.0.0.1:${port}`;
  const back = `sqlite:${path.join(dir, 'back.sqlite3')}`;
  const sent = await trackInto(t, source, dir);
  // Last week's events, so that the weekly and monthly metrics (complete weeks only) count some.
  const lastWeek = new Date(Date.now() - 7 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  for (const user of ['10', '11']) {
    cli('track', SUGGESTION, '--user', user, '--project', '7', '--property', 'label=diff', '--store', source, '--date', lastWeek);
    cli('track', ADOPTION, '--user', user, '--property', 'value=1.5', '--store', source, '--date', lastWeek);
  }
  const sourceKeys = exported(source);

  const summary = cli('copy', '--from', source, '--to', redisUrl);
  const counts = /^copied (\d+) keys \((\d+) HyperLogLogs, (\d+) totals, (\d+) sums, (\d+) event ids\) from (\S+) to (\S+)\n$/.exec(summary);
  assert.ok(counts, summary);
  const [keys, hlls, totals, sums, ids] = counts.slice(1, 6).map(Number);
  assert.equal(keys, sourceKeys.size);
  assert.equal(hlls + totals + sums + ids, keys);
  assert.ok(hlls > 0 && totals > 0 && sums > 0, summary);
  assert.equal(ids, sent);
  assert.deepEqual(counts.slice(6), [source, `${redisUrl}/0`]);

  // Bytes first: Redis's PFCOUNT (the metrics below) rewrites an HLL's cached cardinality.
  assertSameKeys(exported(redisUrl), sourceKeys);
  assert.equal(Number(redisCli(port, 'DBSIZE')), keys);
  // Straight from Redis: an id keeps its week, an all-time total has no TTL.
  const idTtl = Number(redisCli(port, 'PTTL', `{event_ids}_${eventId(1)}`));
  assert.ok(Math.abs(idTtl - (sourceKeys.get(`{event_ids}_${eventId(1)}`).expiresAt - Date.now())) < 5000, `PTTL ${idTtl}`);
  assert.equal(redisCli(port, 'PTTL', `{event_counters}_${SUGGESTION}`), '-1');

  assert.equal(cli('copy', '--from', source, '--to', redisUrl), summary, 'copying again says the same');
  assertSameKeys(exported(redisUrl), sourceKeys);
  assert.equal(Number(redisCli(port, 'DBSIZE')), keys);

  const fromRedis = cli('copy', '--from', redisUrl, '--to', back);
  assert.match(fromRedis, new RegExp(`^copied ${keys} keys \\(${hlls} HyperLogLogs, ${totals} totals, ${sums} sums, ${ids} event ids\\) from `));
  assertSameKeys(exported(back), sourceKeys);
  cli('copy', '--from', redisUrl, '--to', back);
  assertSameKeys(exported(back), sourceKeys);

  const report = metrics(source);
  assert.ok(JSON.stringify(report).match(/":[1-9]/g).length >= 10, `the source reports counted events: ${JSON.stringify(report)}`);
  assert.deepEqual(metrics(redisUrl), report);
  assert.deepEqual(metrics(back), report);

  await assertIdsCarriedOver(t, redisUrl, dir);
  await assertIdsCarriedOver(t, back, dir);
});

test('copy refuses a missing source, the same store twice and a missing folder, creating nothing', async (t) => {
  const dir = tempDir(t);
  const present = `sqlite:${path.join(dir, 'present.sqlite3')}`;
  cli('track', SUGGESTION, '--user', '1', '--project', '7', '--property', 'label=diff', '--store', present);

  const missing = path.join(dir, 'missing.sqlite3');
  const noSource = run('copy', '--from', `sqlite:${missing}`, '--to', `sqlite:${path.join(dir, 'to.sqlite3')}`);
  assert.equal(noSource.status, 1);
  assert.equal(noSource.stderr, `internal-events copy: no store at ${missing}\n`);
  assert.equal(noSource.stdout, '');
  assert.ok(!existsSync(missing) && !existsSync(path.join(dir, 'to.sqlite3')));

  const same = run('copy', '--from', present, '--to', present);
  assert.equal(same.status, 2);
  assert.match(same.stderr, /^internal-events copy: --from and --to are the same store .*\(try --help\)\n$/);
  // The same file by another path is the same store too.
  const dotted = run('copy', '--from', present, '--to', `sqlite:${dir}/./present.sqlite3`);
  assert.equal(dotted.status, 2);
  assert.match(dotted.stderr, /are the same store/);

  const folder = path.join(dir, 'no-such-folder');
  const noFolder = run('copy', '--from', present, '--to', `sqlite:${path.join(folder, 'to.sqlite3')}`);
  assert.equal(noFolder.status, 1);
  assert.equal(noFolder.stderr, `internal-events copy: no folder ${folder} for the store ${path.join(folder, 'to.sqlite3')}\n`);
  assert.ok(!existsSync(folder));

  assert.equal(run('copy', '--from', present).status, 2);
  assert.equal(run('copy', '--from', present, '--to', `sqlite:${path.join(dir, 'to.sqlite3')}`, 'extra').status, 2);
});
