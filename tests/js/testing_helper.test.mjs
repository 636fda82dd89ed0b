// internal-events/testing (js/testing.js) as an application's unit tests use it: real Vue 3
// components mounted on happy-dom (a DOM in node, no browser), the package's real module, and no
// receiver, network or wasm: fetch fails the test if anything calls it. Jest's own expect
// (the `expect` package, which Jest's global is) asserts on the spies here, and a spec run by the
// real Vitest CLI does the same with Vitest's expect and its happy-dom environment.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';

import { Window } from 'happy-dom';
import { expect } from 'expect';

import { root } from './support/fake_page.mjs';

// Vue's DOM renderer takes `document` when it is first imported, and mount() asks whether its
// container is an SVGElement: the page and those classes come first (Vitest's environment does this).
const page = new Window({ url: 'http://app.test/' });
globalThis.window = page;
globalThis.document = page.document;
for (const name of ['Node', 'Element', 'HTMLElement', 'SVGElement']) globalThis[name] = page[name];
const fetched = [];
globalThis.fetch = async (url) => {
  fetched.push(String(url));
  throw new Error(`the recorder must not fetch: ${url}`);
};

const { createApp, nextTick } = await import('vue');
const { InternalEvents, createInternalEvents } = await import(path.join(root, 'js/internal-events.js'));
const { createSpy, installInternalEventsRecorder, useMockInternalEventsTracking } = await import(path.join(root, 'js/testing.js'));
const { HelpLinks, SaveButton } = await import('./support/tracked_components.mjs');

function mount(component, props = {}) {
  const element = page.document.createElement('div');
  page.document.body.appendChild(element);
  const app = createApp(component, props);
  app.mount(element);
  return { element, unmount: () => (app.unmount(), element.remove()) };
}

test('a Vue 3 component\'s click handler, tracking through the mixin, is seen by the recorder', async () => {
  const recorder = installInternalEventsRecorder();
  const { element, unmount } = mount(SaveButton, { draft: true });
  try {
    element.querySelector('[data-testid="save"]').click();
    await nextTick();
    assert.ok(recorder.tracked('click_save_button', { label: 'draft' }), recorder.describe());
    assert.ok(!recorder.tracked('click_save_button', { label: 'final' }));
    assert.deepEqual(recorder.events, [{ event: 'click_save_button', additionalProperties: { label: 'draft', value: 1 }, category: undefined }]);
    assert.equal(recorder.count('click_save_button'), 1);
    assert.equal(recorder.describe(), '1 event tracked:\n  click_save_button {"label":"draft","value":1}');
  } finally {
    unmount();
    recorder.restore();
  }
  assert.deepEqual(fetched, [], 'nothing loaded or sent');
});

test('restore() hands tracking back: later calls no longer reach the recorder', () => {
  const recorder = installInternalEventsRecorder();
  InternalEvents.trackEvent('before_restore');
  recorder.restore();
  recorder.restore();  // twice is harmless
  const next = installInternalEventsRecorder();
  InternalEvents.trackEvent('after_restore');
  next.restore();
  assert.deepEqual(recorder.events.map((e) => e.event), ['before_restore']);
  assert.deepEqual(next.events.map((e) => e.event), ['after_restore']);
});

test('the module\'s own rules still apply: wrong types throw, empty names are not tracked', () => {
  const recorder = installInternalEventsRecorder();
  try {
    assert.throws(() => InternalEvents.track_event('x', { label: 3 }), { name: 'TypeError', message: "event 'x': label must be a string, not integer" });
    InternalEvents.track_event('  ');
    InternalEvents.trackEvent('with_category', { property: 'p', colour: 'red' }, 'Projects');
    assert.deepEqual(recorder.events, [{ event: 'with_category', additionalProperties: { property: 'p', colour: 'red' }, category: 'Projects' }]);
    assert.ok(recorder.tracked('with_category', { colour: 'red' }, 'Projects'));
    assert.ok(!recorder.tracked('with_category', {}, 'Other'));
    assert.equal(recorder.describe(), '1 event tracked:\n  with_category {"property":"p","colour":"red"} (category "Projects")');
    recorder.clear();
    assert.equal(recorder.describe(), 'no events tracked');
    assert.equal(recorder.trackEventSpy.calls.length, 0);
  } finally {
    recorder.restore();
  }
});

test('an instance made outside any page records too (node, server rendering)', () => {
  const tracker = createInternalEvents({});
  const recorder = installInternalEventsRecorder({ instance: tracker });
  tracker.mixin().methods.track_event('from_the_server', { label: 'ssr' });
  recorder.restore();
  tracker.track_event('not_recorded');
  assert.deepEqual(recorder.events, [{ event: 'from_the_server', additionalProperties: { label: 'ssr' }, category: undefined }]);
  assert.throws(() => installInternalEventsRecorder({ instance: {} }), /has no recorder hook/);
});

test('spies record their calls in the shape Jest\'s expect reads', () => {
  const spy = createSpy('mySpy');
  spy('a', { label: 'x' }, undefined);
  expect(spy).toHaveBeenCalledWith('a', { label: 'x' }, undefined);
  expect(spy).toHaveBeenCalledTimes(1);
  expect(spy).not.toHaveBeenCalledWith('b');
  assert.throws(() => expect(spy).toHaveBeenCalledWith('a', { label: 'y' }, undefined), /mySpy/);
  assert.deepEqual(spy.calls, [['a', { label: 'x' }, undefined]]);
  assert.equal(spy.mock.lastCall, spy.calls[0]);
});

describe('useMockInternalEventsTracking, GitLab\'s shape, with node:test\'s hooks', () => {
  const { bindInternalEventDocument } = useMockInternalEventsTracking({ beforeEach, afterEach });
  let mounted;
  beforeEach(() => {
    mounted = mount(HelpLinks);
  });
  afterEach(() => mounted.unmount());

  test('triggerEvent on a data-event-tracking element calls trackEventSpy; binding tracked the load event', () => {
    const { trackEventSpy, triggerEvent } = bindInternalEventDocument(mounted.element);
    expect(trackEventSpy).toHaveBeenCalledWith('view_help_links', { placement: 'footer' }, undefined);
    trackEventSpy.mockClear();
    triggerEvent('[data-event-tracking="click_docs_link"]');
    expect(trackEventSpy).toHaveBeenCalledTimes(1);
    expect(trackEventSpy).toHaveBeenCalledWith('click_docs_link', { label: 'docs', value: 2 }, undefined);
  });

  test('each test starts with an empty recorder and an unbound document', () => {
    const link = mounted.element.querySelector('a');
    link.click();  // not bound in this test yet: the previous test's listener is gone
    const { trackEventSpy, triggerEvent } = bindInternalEventDocument(mounted.element);
    triggerEvent(link);
    assert.deepEqual(trackEventSpy.mock.calls.map(([event]) => event), ['view_help_links', 'click_docs_link']);
  });

  test('a wrong data-event-value throws at the click, as it does in the page', () => {
    const { triggerEvent } = bindInternalEventDocument(mounted.element);
    mounted.element.querySelector('a').setAttribute('data-event-value', 'ten');
    let thrown;
    page.addEventListener('error', (event) => (thrown = event.error), { once: true });
    try {
      triggerEvent('a');
    } catch (error) {
      thrown = error;
    }
    assert.match(String(thrown?.message), /data-event-value must be a number, not "ten"/);
    assert.throws(() => triggerEvent('#nothing'), /triggerEvent: nothing matches "#nothing"/);
  });
});

test('without beforeEach/afterEach to hand, useMockInternalEventsTracking says so in one line', () => {
  assert.throws(() => useMockInternalEventsTracking(), { message: /^useMockInternalEventsTracking: no beforeEach\/afterEach here; pass your runner's/ });
});

test('the real Vitest runs a spec that mounts the components on its happy-dom environment', async () => {
  const spec = path.join('tests/js/support/vitest/tracking.spec.mjs');
  const vitest = path.join(root, 'node_modules/vitest/vitest.mjs');
  const { code, output } = await new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [vitest, 'run', spec, '--root', root, '--reporter', 'verbose', '--no-color'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: 'true', FORCE_COLOR: '0' } });
    let text = '';
    child.stdout.on('data', (chunk) => (text += chunk));
    child.stderr.on('data', (chunk) => (text += chunk));
    child.on('error', reject);
    child.on('close', (exit) => resolve({ code: exit, output: text }));
  });
  assert.equal(code, 0, output);
  assert.match(output, /Tests\s+4 passed \(4\)/, output);
});
