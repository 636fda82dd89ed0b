// The browser glue (build/web/internal-events.js, as shipped) with the real wasm core, in node:
// queueing before the wasm is ready, synchronous type errors, batching, retries, the offline
// queue, Do Not Track, data-event-* attributes and the Vue mixin. The page around it is faked
// (support/fake_page.mjs); tests/e2e runs the same things in Chromium against the receiver.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { FakeElement, FakeStorage, UUID_V4, createInternalEvents, fakePage, started, tick, wasmBinary } from './support/fake_page.mjs';

test('calls made before the wasm is ready are sent once it is, in order, each with a UUID v4 eid', async () => {
  const page = fakePage();
  const tracker = createInternalEvents(page.env);
  tracker.track_event('first', { label: 'a' });  // no init yet: the first call starts loading
  tracker.init({ wasmBinary, endpoint: '/collect', context: { project_id: 7 } });
  tracker.trackEvent('second', { value: 2.5 }, 'Projects');
  assert.equal(page.requests.length, 0);
  await tracker.flush();
  assert.equal(page.requests.length, 1);
  assert.equal(page.requests[0].url, '/collect');
  assert.equal(page.requests[0].init.keepalive, true);
  assert.equal(typeof page.requests[0].init.body, 'string', 'a string body is text/plain: no CORS preflight');
  const [first, second] = page.requests[0].body.events;
  assert.deepEqual({ ...first, eid: 'x' }, { event: 'first', eid: 'x', project_id: 7, additional_properties: { label: 'a' } });
  assert.deepEqual({ ...second, eid: 'x' }, { event: 'second', eid: 'x', project_id: 7, additional_properties: { value: 2.5 }, category: 'Projects' });
  assert.match(first.eid, UUID_V4);
  assert.notEqual(first.eid, second.eid);
});

test('an event with an empty name is not sent', async () => {
  const page = fakePage();
  const tracker = await started(page);
  tracker.track_event('');
  tracker.track_event('  ', { label: 'a' });
  tracker.track_event(undefined);
  tracker.track_event('named');
  await tracker.flush();
  assert.deepEqual(page.events().map((e) => e.event), ['named']);
});

test('wrong types throw synchronously, naming the field', async () => {
  const page = fakePage();
  const tracker = await started(page);
  assert.throws(() => tracker.track_event('x', { label: 3 }), { name: 'TypeError', message: /label must be a string, not integer/ });
  assert.throws(() => tracker.track_event('x', { property: true }), { message: /property must be a string, not boolean/ });
  assert.throws(() => tracker.track_event('x', { value: '5' }), { message: /value must be a number, not string/ });
  assert.throws(() => tracker.init({ context: { user_id: 'me' } }).track_event('x'), { message: /user must be an integer id/ });
  await tracker.flush();
  assert.equal(page.requests.length, 0);
});

test('wrong types throw synchronously even while the wasm is still loading', async () => {
  const page = fakePage();
  const tracker = createInternalEvents(page.env);
  tracker.init({ wasmBinary, endpoint: '/collect' });
  assert.throws(() => tracker.track_event('x', { label: 3 }), { name: 'TypeError', message: "event 'x': label must be a string, not integer" });
  assert.throws(() => tracker.track_event('x', { value: '1' }), { message: "event 'x': value must be a number, not string" });
  const element = new FakeElement({ 'data-event-tracking': 'x', 'data-event-value': 'ten' });
  element.parent = page.document;
  tracker.bindInternalEventDocument(page.document);
  assert.throws(() => element.click(), { name: 'TypeError', message: 'data-event-value must be a number, not "ten"' });
  tracker.track_event('fine', { label: 'a', value: 1 });
  await tracker.flush();
  assert.deepEqual(page.events().map((e) => e.event), ['fine']);
});

test('100 events take 100/batchSize requests, and flush sends a partial batch', async () => {
  const page = fakePage();
  const tracker = await started(page, { batchSize: 10 });
  for (let i = 0; i < 100; i++) tracker.track_event('bulk', { value: i });
  await tracker.flush();
  assert.equal(page.requests.length, 10);
  assert.deepEqual(page.events().map((e) => e.additional_properties.value), [...Array(100).keys()]);
  tracker.track_event('bulk', { value: 100 });
  tracker.track_event('bulk', { value: 101 });
  assert.equal(page.requests.length, 10, 'a partial batch waits for the flush interval');
  assert.deepEqual(page.clock.delays(), [2000]);
  await page.clock.runAll();
  assert.equal(page.requests.length, 11);
  assert.equal(page.requests[10].body.events.length, 2);
});

test('a batch stays under the 64 KB keepalive limit whatever its events weigh', async () => {
  const page = fakePage();
  const tracker = await started(page, { batchSize: 50 });
  for (let i = 0; i < 30; i++) tracker.track_event('heavy', { label: 'x'.repeat(9000) });
  tracker.track_event('huge', { label: 'y'.repeat(70000) });
  // 3 MB of text makes the wasm memory grow (it starts at 1 MB): views of it must follow.
  tracker.track_event('huge', { label: 'z'.repeat(3_000_000) });
  tracker.track_event('heavy', { label: 'after growth' });
  await tracker.flush();
  assert.equal(page.events().at(-1).additional_properties.label, 'after growth');
  const sizes = page.requests.map((r) => Buffer.byteLength(r.init.body));
  assert.ok(sizes.every((size) => size <= 60 * 1024), `sizes ${sizes}`);
  assert.equal(page.events().length, 31);
  assert.ok(page.requests.length >= 5);
  assert.match(page.warnings.join('\n'), /more than one request may carry/);
});

test('network errors, 429 and 5xx are retried with backoff; the same events arrive, once', async () => {
  const page = fakePage({ answers: ['network', 503, 429] });
  const tracker = await started(page);
  tracker.track_event('retried', { label: 'a' });
  tracker.track_event('retried', { label: 'b' });
  await tracker.flush();  // resolves once the events are stored for the retry
  assert.equal(page.requests.length, 1);
  assert.equal(page.storage.events().length, 2, 'waiting events survive a reload');
  assert.match(page.storage.key(0), /^internal-events:http:\/\/receiver.test\/api\/v4\/usage_data\/track_events:/);
  const [delay] = page.clock.delays();
  assert.ok(delay >= 500 && delay < 1000, `first retry after ${delay} ms`);
  await page.clock.runAll();
  assert.deepEqual(page.requests.map((r) => r.status), ['network', 503, 429, 200]);
  const eids = page.requests.map((r) => r.body.events.map((e) => e.eid).join());
  assert.equal(new Set(eids).size, 1, 'every attempt carries the same eids');
  assert.equal(page.events().length, 2);
  assert.equal(page.storage.length, 0);
});

test('400, 401, 403, 410, 413 and 422 are not retried, with one warning each', async () => {
  for (const status of [400, 401, 403, 410, 413, 422]) {
    const page = fakePage({ answers: [status, status] });
    const tracker = await started(page);
    tracker.track_event('refused');
    await tracker.flush();
    tracker.track_event('refused');
    await tracker.flush();
    await page.clock.runAll();
    assert.equal(page.requests.length, 2, `HTTP ${status}`);
    assert.equal(page.warnings.filter((w) => w.includes(`HTTP ${status}`)).length, 1);
  }
});

test('offline: nothing is sent, events are stored, and all of them go once the browser is online', async () => {
  const storage = new FakeStorage();
  const page = fakePage({ online: false, storage });
  const tracker = await started(page);
  for (let i = 0; i < 3; i++) tracker.track_event('offline', { value: i });
  await tracker.flush();
  assert.equal(page.requests.length, 0);
  assert.equal(storage.events().length, 3);
  page.env.navigator.onLine = true;
  page.window.dispatch('online');
  await page.clock.runAll();
  assert.deepEqual(page.events().map((e) => e.additional_properties.value), [0, 1, 2]);
  assert.equal(storage.length, 0);
});

test('events stored by a closed page are sent by the next one, first', async () => {
  const storage = new FakeStorage();
  const closed = fakePage({ online: false, storage });
  const before = await started(closed);
  before.track_event('from_last_visit');
  const next = fakePage({ storage });
  const tracker = await started(next);
  tracker.track_event('this_visit');
  await tracker.flush();
  await next.clock.runAll();
  assert.deepEqual(next.events().map((e) => e.event), ['from_last_visit', 'this_visit']);
});

test('tabs keep separate offline queues, and the next page sends all of them', async () => {
  const storage = new FakeStorage();
  const first = await started(fakePage({ online: false, storage }));
  const second = await started(fakePage({ online: false, storage }));
  first.track_event('tab', { label: 'first' });
  second.track_event('tab', { label: 'second' });
  first.track_event('tab', { label: 'first again' });
  assert.equal(storage.length, 2);
  const next = fakePage({ storage });
  const tracker = await started(next);
  await tracker.flush();
  await next.clock.runAll();
  assert.deepEqual(next.events().map((e) => e.additional_properties.label).sort(), ['first', 'first again', 'second']);
  assert.equal(storage.length, 0);
});

test('the offline queue is bounded in events, oldest dropped first', async () => {
  const storage = new FakeStorage();
  const page = fakePage({ online: false, storage });
  const tracker = await started(page, { maxStoredEvents: 5 });
  for (let i = 0; i < 8; i++) tracker.track_event('bounded', { value: i });
  assert.deepEqual(storage.events().map((e) => e.additional_properties.value), [3, 4, 5, 6, 7]);
  assert.match(page.warnings.join('\n'), /offline queue full/);
});

test('Do Not Track and Global Privacy Control: nothing sent, nothing stored, unless told otherwise', async () => {
  for (const navigator of [{ doNotTrack: '1' }, { globalPrivacyControl: true }]) {
    const page = fakePage({ navigator });
    const tracker = await started(page);
    tracker.track_event('private', { label: 'a' });
    await tracker.flush();
    page.window.dispatch('pagehide');
    assert.equal(page.requests.length + page.beacons.length, 0);
    assert.equal(page.storage.items.size, 0);
  }
  const page = fakePage({ navigator: { doNotTrack: '1' } });
  const tracker = await started(page, { respectDoNotTrack: false });
  tracker.track_event('allowed');
  await tracker.flush();
  assert.equal(page.events().length, 1);
});

test('page hide sends the queue by beacon; what the browser refuses is stored', async () => {
  const page = fakePage();
  const tracker = await started(page);
  tracker.track_event('leaving', { label: 'a' });
  page.window.dispatch('pagehide');
  assert.equal(page.beacons.length, 1);
  assert.equal(page.beacons[0].body.events[0].event, 'leaving');
  assert.equal(page.storage.items.size, 0);
  // The page was only hidden and comes back: the wasm core still validates its calls.
  assert.throws(() => tracker.track_event('back', { label: 3 }), /label must be a string/);
  const refused = fakePage({ beacon: false });
  const other = await started(refused);
  other.track_event('leaving');
  refused.document.visibilityState = 'hidden';
  refused.document.dispatch('visibilitychange');
  assert.equal(refused.storage.events().length, 1);
});

test('a page closed before the wasm arrived still sends its calls, unvalidated', async () => {
  const page = fakePage();
  const tracker = createInternalEvents(page.env);
  tracker.init({ wasmBinary, endpoint: '/collect' });
  tracker.track_event('early', { label: 'a' });
  page.window.dispatch('pagehide');
  assert.equal(page.beacons.length, 1);
  assert.equal(page.beacons[0].body.events[0].event, 'early');
  assert.match(page.beacons[0].body.events[0].eid, UUID_V4);
});

test('the wasm loads by URL, also from a server that gives it the wrong content type', async () => {
  for (const wasmContentType of ['application/wasm', 'application/octet-stream']) {
    const page = fakePage({ wasmContentType });
    const tracker = createInternalEvents(page.env);
    tracker.init({ wasmUrl: 'http://receiver.test/internal-events/internal-events.wasm', endpoint: '/collect' });
    tracker.track_event('by_url', { label: 'a' });
    await tracker.flush();
    assert.deepEqual(page.warnings, [], `${wasmContentType}: no "wasm core did not load" warning`);
    assert.equal(page.wasmDownloads.length, wasmContentType === 'application/wasm' ? 1 : 2);
    assert.deepEqual(page.events().map((e) => e.event), ['by_url']);
  }
});

test('when the wasm cannot load, events are still delivered, unvalidated', async () => {
  const page = fakePage();
  const tracker = createInternalEvents(page.env);
  tracker.init({ wasmBinary: new Uint8Array([0, 1, 2, 3]), endpoint: '/collect' });
  tracker.track_event('degraded', { label: 'a', value: 0 });
  await tracker.flush();
  const element = new FakeElement({ 'data-event-tracking': 'degraded_click', 'data-event-value': '0', 'data-event-additional': '{"n":1}' });
  const empty = new FakeElement({ 'data-event-tracking': ' ' });
  element.parent = empty.parent = page.document;
  tracker.bindInternalEventDocument(page.document);
  element.click();
  empty.click();
  assert.throws(() => tracker.track_event('degraded', { label: 1 }), /label must be a string, not integer/);
  await tracker.flush();
  assert.match(page.warnings.join('\n'), /wasm core did not load/);
  assert.deepEqual(page.events().map((e) => [e.event, e.additional_properties]), [
    ['degraded', { label: 'a', value: 0 }],
    ['degraded_click', { n: 1, value: 0 }],
  ]);
  assert.match(page.events()[0].eid, UUID_V4);
});

test('with a definitions bundle, unknown events and undeclared properties are reported, not sent', async () => {
  const page = fakePage();
  const definitions = { events: { known: { identifiers: ['user'], additional_properties: ['label', 'source'] } } };
  const tracker = await started(page, { definitions, identity: 'signed.token' });
  tracker.track_event('unknown');
  tracker.track_event('known', { colour: 'red' });
  tracker.track_event('known', { source: 'header' });
  await tracker.flush();
  assert.deepEqual(page.events().map((e) => e.additional_properties), [{ source: 'header' }]);
  assert.equal(page.requests[0].body.identity, 'signed.token');
  assert.match(page.warnings.join('\n'), /unknown event 'unknown'/);
  assert.match(page.warnings.join('\n'), /colour is not declared/);
});

function button(attributes) {
  const child = new FakeElement({});
  const element = new FakeElement(attributes, [child]);
  return { element, child };
}

test('data-event-* attributes: a click on a nested child tracks the element, value "0" is 0, "2.5" is 2.5', async () => {
  const page = fakePage();
  const tracker = await started(page);
  const a = button({ 'data-event-tracking': 'clicked', 'data-event-label': 'menu', 'data-event-property': 'top', 'data-event-value': '0', 'data-event-additional': '{"source":"header","count":3}' });
  const b = button({ 'data-event-tracking': 'clicked', 'data-event-value': '2.5' });
  const empty = button({ 'data-event-tracking': '', 'data-event-label': 'nothing' });
  page.document.children.push(a.element, b.element, empty.element);
  a.element.parent = b.element.parent = empty.element.parent = page.document;
  tracker.bindInternalEventDocument();
  tracker.bindInternalEventDocument(page.document);  // bound once: one event per click
  a.child.click();
  b.child.click();
  empty.child.click();
  await tracker.flush();
  assert.deepEqual(page.events().map((e) => e.additional_properties), [
    { count: 3, label: 'menu', property: 'top', source: 'header', value: 0 },
    { value: 2.5 },
  ]);
});

test('data-event-value that is not a number and data-event-additional that is not an object throw, naming the attribute', async () => {
  const page = fakePage();
  const tracker = await started(page);
  const dispose = tracker.bindInternalEventDocument(page.document);
  for (const [attributes, message] of [
    [{ 'data-event-tracking': 'x', 'data-event-value': '12px' }, /data-event-value must be a number, not "12px"/],
    [{ 'data-event-tracking': 'x', 'data-event-additional': '[1]' }, /data-event-additional must be a JSON object/],
    [{ 'data-event-tracking': 'x', 'data-event-additional': '{oops' }, /data-event-additional must be a JSON object/],
  ]) {
    const { element } = button(attributes);
    element.parent = page.document;
    assert.throws(() => element.click(), { name: 'TypeError', message });
  }
  dispose();
  const { element } = button({ 'data-event-tracking': 'after_dispose' });
  element.parent = page.document;
  element.click();
  await tracker.flush();
  assert.equal(page.requests.length, 0);
});

test('load events are tracked once, when bound and when asked again', async () => {
  const page = fakePage();
  const tracker = await started(page);
  const loaded = new FakeElement({ 'data-event-tracking': 'shown', 'data-event-tracking-load': 'true', 'data-event-label': 'banner' });
  const notLoad = new FakeElement({ 'data-event-tracking': 'shown', 'data-event-tracking-load': 'false' });
  const root = new FakeElement({}, [new FakeElement({}, [loaded]), notLoad]);
  tracker.bindInternalEventDocument(root);
  assert.equal(tracker.trackInternalLoadEvents(root).length, 0);
  await tracker.flush();
  assert.deepEqual(page.events().map((e) => [e.event, e.additional_properties]), [['shown', { label: 'banner' }]]);
});

test('mixin() gives Vue components track_event and trackEvent', async () => {
  const page = fakePage();
  const tracker = await started(page);
  const { methods } = tracker.mixin();
  assert.deepEqual(Object.keys(methods).sort(), ['trackEvent', 'track_event']);
  const component = { ...methods };
  component.track_event('from_vue', { label: 'a' });
  component.trackEvent('from_vue', { label: 'b' });
  await tracker.flush();
  assert.deepEqual(page.events().map((e) => e.additional_properties.label), ['a', 'b']);
});
