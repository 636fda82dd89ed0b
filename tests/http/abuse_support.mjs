// What every abuse suite checks around a case: the receiver answers /-/health, and its resident
// memory comes back to within 10% of where it was.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

import { answer } from './receiver.mjs';

export function rssKb(receiver) {
  const status = readFileSync(`/proc/${receiver.child.pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)[1]);
}

export async function healthy(receiver) {
  const { status, json } = await answer(await fetch(`${receiver.url}/-/health`));
  assert.equal(status, 200);
  assert.deepEqual(json, { status: 'ok' });
}

// An allocator gives pages back on its own schedule: this waits up to `waitMs` for it (jemalloc's
// background thread returns freed pages within its decay time, 10 s).
export async function memoryReturns(receiver, baseline, { waitMs = 5000 } = {}) {
  let now = rssKb(receiver);
  for (let waited = 0; now > baseline * 1.1 && waited < waitMs; waited += 250) {
    await sleep(250);
    now = rssKb(receiver);
  }
  assert.ok(now <= baseline * 1.1, `resident memory ${now} kB, before the case ${baseline} kB`);
}
