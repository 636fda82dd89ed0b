// The SQLite store's disk full: a 16 MiB tmpfs made by the test holds the store, a junk file takes
// the rest. Tracking is then 503 saying the disk is full, nothing unwritten is acknowledged, the
// file stays sound, and once the junk is gone the receiver tracks again by itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { memoryReturns, rssKb } from './abuse_support.mjs';
import {
  SUGGESTION_AND_PULL, assertCountedOnce, batchOf, resend, startLoad, statusCounts, watchHealth,
} from './faults_support.mjs';
import { answer, post, startReceiver, stop } from './receiver.mjs';

// A 16 MiB tmpfs on a fresh folder; '' or why it cannot be mounted. `cleanUp()` stops what uses it,
// then unmounts and removes the folder. The junk file fills it whatever its size; 4 MiB left too
// little once the junk was gone, for the resent batches and the WAL they grow (a CI run ran out).
function mountTmpfs(dir, cleanUp) {
  mkdirSync(dir);
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', dir], { encoding: 'utf8' });
  if (mounted.status !== 0) return (mounted.stderr || String(mounted.error)).trim().split('\n')[0] || `exit ${mounted.status}`;
  cleanUp.push(() => spawnSync('umount', [dir]));
  return '';
}

// Writes 64 KiB blocks until the file system says it is full.
function fillUp(file) {
  const block = Buffer.alloc(65536, 1);
  const fd = openSync(file, 'w');
  try {
    for (;;) writeSync(fd, block);
  } catch (error) {
    if (error.code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}

const integrity = (file) => execFileSync('sqlite3', [file, 'PRAGMA integrity_check'], { encoding: 'utf8' }).trim();

test('the SQLite disk full: 503 saying so, nothing unwritten acknowledged, no corruption, tracking again when space returns', async (t) => {
  const top = mkdtempSync(path.join(tmpdir(), 'ie-disk-'));
  const dir = path.join(top, 'small');
  const cleanUp = [() => rmSync(top, { recursive: true, force: true })];
  t.after(async () => { for (const step of cleanUp.reverse()) await step(); });  // last in, first out
  const why = mountTmpfs(dir, cleanUp);
  if (why) {
    t.skip(`cannot mount a tmpfs here: ${why}`);
    return;
  }
  const file = path.join(dir, 'store.sqlite3');
  const junk = path.join(dir, 'junk');
  const receiver = await startReceiver(['--store', `sqlite:${file}`], { dir: top });
  cleanUp.push(() => stop(receiver));

  const warmUp = startLoad(() => receiver, { workers: 2, size: 10, firstId: 10_000_000 });
  await sleep(200);
  const warmUpBatches = await warmUp.stop();
  assert.deepEqual(statusCounts(warmUpBatches), { 200: warmUpBatches.length });
  const baseline = rssKb(receiver);
  const health = watchHealth(() => receiver);
  cleanUp.push(() => health.stop().catch(() => {}));

  fillUp(junk);
  // Until the space SQLite still had (free pages, the reusable part of its log) is used up.
  const full = [];
  let refused;
  for (let from = 0; !refused && from < 200_000; from += 20) {
    const batch = { from, size: 20, events: SUGGESTION_AND_PULL };
    const reply = await answer(await post(receiver, 'track_events', batchOf(from, 20, SUGGESTION_AND_PULL)));
    full.push({ ...batch, status: reply.status });
    if (reply.status !== 200) refused = reply;
  }
  t.diagnostic(`${full.length - 1} batches fitted in the space left; then ${refused?.status}: ${refused?.json?.error}`);
  assert.equal(refused?.status, 503);
  assert.match(refused.json.error, /^store unavailable: .*disk is full/);
  // Full now: every batch is refused, and refused the same way.
  const load = startLoad(() => receiver, { workers: 2, size: 20, firstId: 1_000_000 });
  await sleep(500);
  const whileFull = await load.stop();
  assert.deepEqual(statusCounts(whileFull), { 503: whileFull.length });
  assert.equal(integrity(file), 'ok');

  rmSync(junk);
  const after = await post(receiver, 'track_events', batchOf(2_000_000, 20, SUGGESTION_AND_PULL));
  assert.equal(after.status, 200);
  const batches = [...warmUpBatches, ...full, ...whileFull, { from: 2_000_000, size: 20, events: SUGGESTION_AND_PULL, status: 200 }];
  await resend(receiver, batches);
  await assertCountedOnce(receiver, batches);
  assert.equal(integrity(file), 'ok');
  await health.stop();
  await memoryReturns(receiver, baseline, { waitMs: 15000 });
});
