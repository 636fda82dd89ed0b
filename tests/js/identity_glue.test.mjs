// init({ identity }) in the real glue and wasm, in node: a token string or a function, a fresh
// token after a 401 (once, never in a loop), a failing function, and the hint for events that
// leave with no user at all. tests/e2e/identity_consent.test.mjs does the 401 against the real
// receiver in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createInternalEvents, fakePage, started, wasmBinary } from './support/fake_page.mjs';

const bundle = {
  events: {
    per_user: { identifiers: ['project', 'namespace', 'user'], additional_properties: ['label', 'property', 'value'] },
    per_project: { identifiers: ['project'], additional_properties: ['label', 'property', 'value'] },
  },
};

test('a token string goes in the batch body', async () => {
  const page = fakePage();
  const tracker = await started(page, { identity: 'token-a' });
  tracker.track_event('x');
  await tracker.flush();
  assert.equal(page.requests[0].body.identity, 'token-a');
});

test('a token function is asked at start, sync or async, and its token is reused', async () => {
  for (const make of [(n) => `token-${n}`, async (n) => `token-${n}`]) {
    const page = fakePage();
    let asked = 0;
    const tracker = await started(page, { identity: () => make(++asked) });
    tracker.track_event('x');
    await tracker.flush();
    tracker.track_event('y');
    await tracker.flush();
    assert.deepEqual(page.requests.map((r) => r.body.identity), ['token-1', 'token-1']);
    assert.equal(asked, 1);
  }
});

test('after a 401 the function is asked once for a fresh token and the batch is sent again', async () => {
  const page = fakePage({ answers: (body) => (body.identity === 'fresh' ? 200 : 401) });
  const tokens = ['stale', 'fresh'];
  const tracker = await started(page, { identity: async () => tokens.shift() });
  tracker.track_event('x', { label: 'a' });
  await tracker.flush();
  assert.deepEqual(page.requests.map((r) => [r.body.identity, r.status]), [['stale', 401], ['fresh', 200]]);
  assert.equal(page.requests[0].body.events[0].eid, page.requests[1].body.events[0].eid, 'the same events, sent again');
  assert.deepEqual(page.warnings, []);
});

test('a fresh token that is refused too drops the batch with one warning, and never loops', async () => {
  const page = fakePage({ answers: () => 401 });
  let asked = 0;
  const tracker = await started(page, { identity: () => `token-${++asked}` });
  tracker.track_event('x');
  await tracker.flush();
  await page.clock.runAll();
  assert.equal(page.requests.length, 2, 'one send, one resend with the fresh token');
  tracker.track_event('y');
  await tracker.flush();
  await page.clock.runAll();
  assert.equal(page.requests.length, 4, 'the next batch gets its own single refresh');
  assert.equal(asked, 3);
  assert.equal(page.warnings.length, 1);
  assert.match(page.warnings[0], /1 events dropped: HTTP 401, the receiver refused the identity token, also the fresh one/);
});

test('a plain token refused with 401 drops the batch, with one warning that says how to refresh', async () => {
  const page = fakePage({ answers: () => 401 });
  const tracker = await started(page, { identity: 'expired' });
  for (const event of ['x', 'y']) {
    tracker.track_event(event);
    await tracker.flush();
  }
  await page.clock.runAll();
  assert.equal(page.requests.length, 2, 'no resend');
  assert.equal(page.warnings.length, 1);
  assert.match(page.warnings[0], /HTTP 401, the receiver refused the identity token \(expired or not signed with its secret\).*identity: \(\) => freshToken/);
});

test('a token function that throws or rejects: events go without identity, one warning, and it is asked again', async () => {
  for (const failing of [() => { throw new Error('no session'); }, () => Promise.reject(new Error('no session')), () => 42]) {
    const page = fakePage();
    let asked = 0;
    // Asked at start and again for the first batch: both fail; the second batch's ask succeeds.
    const tracker = await started(page, { identity: () => (++asked <= 2 ? failing() : 'later') });
    tracker.track_event('x');
    await tracker.flush();
    tracker.track_event('y');
    await tracker.flush();
    assert.deepEqual(page.requests.map((r) => r.body.identity), [undefined, 'later']);
    assert.equal(page.events().length, 2, 'no event lost');
    assert.equal(page.warnings.length, 1);
    assert.match(page.warnings[0], /the identity function failed \((no session|it returned a number, not a token string)\); events are sent without identity/);
  }
});

test('a token function returning null (a signed-out page) is no failure: no identity, no warning', async () => {
  const page = fakePage();
  const tracker = await started(page, { identity: () => null });
  tracker.track_event('x');
  await tracker.flush();
  assert.equal(page.requests[0].body.identity, undefined);
  assert.deepEqual(page.warnings, []);
});

test('an identity that is neither a string nor a function is refused by init', () => {
  const tracker = createInternalEvents(fakePage().env);
  assert.throws(() => tracker.init({ wasmBinary, identity: { token: 'x' } }), {
    name: 'TypeError', message: 'internal-events: identity must be a token string or a function returning one, not object',
  });
});

test('a beacon carries the token; while the token function is still answering the queue is stored instead', async () => {
  const page = fakePage();
  const tracker = await started(page, { identity: 'token-a' });
  tracker.track_event('x');
  page.window.dispatch('pagehide');
  assert.equal(page.beacons.length, 1);
  assert.equal(page.beacons[0].body.identity, 'token-a');

  const slow = fakePage();
  let answer;
  const waiting = createInternalEvents(slow.env);
  waiting.init({ wasmBinary, endpoint: '/collect', identity: () => new Promise((resolve) => { answer = resolve; }) });
  waiting.track_event('y');
  await new Promise((resolve) => setTimeout(resolve, 50));  // the wasm is up, the token is not
  slow.window.dispatch('pagehide');
  assert.equal(slow.beacons.length, 0);
  assert.deepEqual(slow.storage.events().map((e) => e.event), ['y']);
  answer('late');
});

test('one hint when events of a per-user definition leave with no user at all', async () => {
  const page = fakePage();
  const tracker = await started(page, { definitions: bundle });
  tracker.track_event('per_user');
  tracker.track_event('per_user');
  await tracker.flush();
  tracker.track_event('per_user');
  await tracker.flush();
  assert.equal(page.infos.length, 1);
  assert.match(page.infos[0], /events leave without a user identity .* totals but not in unique-user metrics; pass init\(\{ identity \}\)/);
});

test('no hint with a token, with context.user_id, for events not counted per user, or without definitions', async () => {
  const cases = [
    { identity: 'token', definitions: bundle, event: 'per_user' },
    { context: { user_id: 5 }, definitions: bundle, event: 'per_user' },
    { definitions: bundle, event: 'per_project' },
    { event: 'per_user' },
  ];
  for (const { event, ...options } of cases) {
    const page = fakePage();
    const tracker = await started(page, options);
    tracker.track_event(event);
    await tracker.flush();
    assert.equal(page.events().length, 1);
    assert.deepEqual(page.infos, [], JSON.stringify(options));
  }
});
