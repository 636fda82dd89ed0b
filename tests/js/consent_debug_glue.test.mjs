// The user's opt-out, the note about Do Not Track / Global Privacy Control and init({ debug }),
// in the real glue and wasm, in node. tests/e2e/identity_consent.test.mjs checks the opt-out
// across a real reload in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { FakeStorage, createInternalEvents, fakePage, started, wasmBinary } from './support/fake_page.mjs';

const OPT_OUT_KEY = 'internal-events:opt-out';

test('optOut drops the offline queue, makes tracking a no-op and is remembered by the next page; optIn undoes it', async () => {
  const storage = new FakeStorage();
  const page = fakePage({ answers: ['network'], storage });
  const tracker = await started(page);
  tracker.track_event('waiting');
  await tracker.flush();  // the send failed: the event waits for its retry, stored
  assert.deepEqual(storage.events().map((e) => e.event), ['waiting']);

  tracker.optOut();
  assert.equal(tracker.isOptedOut(), true);
  assert.deepEqual([...storage.items.keys()], [OPT_OUT_KEY], 'the stored queue is gone, the choice is kept');
  tracker.track_event('ignored');
  await tracker.flush();
  await page.clock.runAll();
  assert.equal(page.requests.length, 1, 'neither the dropped event nor the new one is sent');

  const next = fakePage({ storage });  // a reload: same storage, new module
  const reloaded = await started(next);
  assert.equal(reloaded.isOptedOut(), true);
  reloaded.track_event('still_ignored');
  await reloaded.flush();
  assert.equal(next.requests.length, 0);

  reloaded.optIn();
  assert.equal(storage.getItem(OPT_OUT_KEY), null);
  reloaded.track_event('welcome_back');
  await reloaded.flush();
  assert.deepEqual(next.events().map((e) => e.event), ['welcome_back']);
});

test('optOut before the module started forgets queues stored by earlier pages and calls still waiting', async () => {
  const storage = new FakeStorage();
  storage.setItem('internal-events:/collect:old-page', JSON.stringify([JSON.stringify({ event: 'old', eid: 'e' })]));
  const page = fakePage({ storage });
  const tracker = createInternalEvents(page.env);
  tracker.init({ wasmBinary, endpoint: '/collect' });
  tracker.track_event('before_ready');
  tracker.optOut();
  await tracker.flush();
  await page.clock.runAll();
  assert.deepEqual(page.requests, []);
  assert.deepEqual([...storage.items.keys()], [OPT_OUT_KEY]);
});

test('without localStorage the opt-out holds for the page, with one warning', async () => {
  const broken = { getItem() { throw new Error('denied'); }, setItem() { throw new Error('denied'); }, removeItem() {}, length: 0 };
  const page = fakePage({ storage: broken });
  const tracker = await started(page);
  tracker.optOut();
  tracker.optOut();
  tracker.track_event('x');
  await tracker.flush();
  assert.equal(page.requests.length, 0);
  assert.equal(page.warnings.filter((w) => /opt-out choice lasts only until the page closes/.test(w)).length, 1);
});

test('Do Not Track and Global Privacy Control: one console note naming the signal, however many calls', async () => {
  for (const [navigator, signal] of [[{ doNotTrack: '1' }, 'Do Not Track'], [{ globalPrivacyControl: true }, 'Global Privacy Control']]) {
    const page = fakePage({ navigator });
    const tracker = await started(page);
    for (let i = 0; i < 3; i++) tracker.track_event('private');
    await tracker.flush();
    assert.equal(page.requests.length, 0);
    assert.deepEqual(page.infos, [`internal-events: ${signal} is on in this browser, so no events are sent or stored (the respectDoNotTrack option)`]);
  }
});

test('debug: a console.debug line for each decision, and none without it', async () => {
  const definitions = { events: { known: { identifiers: [], additional_properties: ['label', 'property', 'value'] } } };
  const page = fakePage({ answers: [503, 200, 400] });
  const tracker = await started(page, { debug: true, definitions });
  tracker.track_event('known', { label: 'a' });
  await tracker.flush();
  await page.clock.runAll();
  tracker.track_event('unknown');
  tracker.track_event('known');
  await tracker.flush();
  // The core's own message for an unknown event may go on (a suggestion): only its start is pinned.
  const lines = page.debugs.map((line) => line.replace(/in \d+ ms/, 'in N ms').replace(/(unknown event 'unknown').*/, '$1'));
  assert.deepEqual(lines, [
    'internal-events: validated known',
    'internal-events: queued known (1 waiting)',
    'internal-events: retrying 1 events (known) in N ms: HTTP 503',
    'internal-events: sent 1 events (known): HTTP 200',
    "internal-events: dropped unknown: unknown event 'unknown'",
    'internal-events: validated known',
    'internal-events: queued known (1 waiting)',
    'internal-events: dropped 1 events (known): HTTP 400; they are not sent again',
  ]);

  const quiet = fakePage({ answers: [503] });
  const silent = await started(quiet, { definitions });
  silent.track_event('known');
  silent.track_event('unknown');
  await silent.flush();
  await quiet.clock.runAll();
  assert.deepEqual(quiet.debugs, []);
});

test('debug: calls that Do Not Track or the opt-out skip say why', async () => {
  const page = fakePage({ navigator: { doNotTrack: '1' } });
  const tracker = await started(page, { debug: true });
  tracker.track_event('private');
  const optedOut = fakePage();
  const other = await started(optedOut, { debug: true });
  other.optOut();
  other.track_event('declined');
  assert.ok(page.debugs.includes('internal-events: not tracked private: Do Not Track is on'), page.debugs.join('\n'));
  assert.ok(optedOut.debugs.includes('internal-events: not tracked declined: the user opted out'), optedOut.debugs.join('\n'));
  assert.ok(optedOut.debugs.includes('internal-events: dropped 0 waiting events and the offline queue: the user opted out'));
});
