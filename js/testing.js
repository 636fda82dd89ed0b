// internal-events/testing: what an application's unit tests use to see which events its code
// tracked, with which properties, with no network, no wasm and no receiver. Plain ES modules that
// import no test framework, so node:test, Vitest and Jest all take it:
//
//   const recorder = installInternalEventsRecorder();    // tracking calls now come here
//   …mount the component, click…
//   assert.ok(recorder.tracked('click_button', { label: 'save' }), recorder.describe());
//   recorder.restore();                                   // delivery again, for the next test
//
// and GitLab's shape, for tests written against GitLab's frontend helper:
//
//   const { bindInternalEventDocument } = useMockInternalEventsTracking();
//   const { trackEventSpy, triggerEvent } = bindInternalEventDocument(wrapper.element);
//   triggerEvent('[data-testid="save"]');
//   expect(trackEventSpy).toHaveBeenCalledWith('click_button', { label: 'save' }, undefined);
//
// The recorder plugs into the module itself (a registered symbol on InternalEvents), so the calls
// a component makes through `mixins: [InternalEvents.mixin()]`, made before the test began, reach
// it too. It imports the package's own module: the one the application's code imports.
import { InternalEvents } from './internal-events.js';

const RECORDER = Symbol.for('internal-events.recorder');

let callOrder = 0;  // across every spy, as Jest's and Vitest's invocationCallOrder

// A plain function that records its calls: spy.calls (and spy.mock.calls) holds each call's
// arguments. It carries the fields Jest's and Vitest's expect read of their own mock functions
// (_isMockFunction, mock.calls, mock.results, getMockName), so their toHaveBeenCalledWith,
// toHaveBeenCalledTimes and friends take it as they take jest.fn() or vi.fn().
export function createSpy(name = 'spy') {
  const mock = {
    calls: [],
    results: [],
    settledResults: [],
    contexts: [],
    instances: [],
    invocationCallOrder: [],
    get lastCall() {
      return this.calls.at(-1);
    },
  };
  function spy(...args) {
    mock.calls.push(args);
    mock.contexts.push(this);
    mock.instances.push(this);
    mock.invocationCallOrder.push(++callOrder);
    mock.results.push({ type: 'return', value: undefined });
    mock.settledResults.push({ type: 'fulfilled', value: undefined });
  }
  spy.mock = mock;
  spy.calls = mock.calls;
  spy._isMockFunction = true;
  spy.getMockName = () => name;
  spy.mockClear = () => {
    for (const key of ['calls', 'results', 'settledResults', 'contexts', 'instances', 'invocationCallOrder']) mock[key].length = 0;
    return spy;
  };
  return spy;
}

function deepEqual(a, b) {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]));
}

// Whether an event has every property asked for (others may be there too), and the category if asked.
function matches(entry, name, properties = {}, category = undefined) {
  if (entry.event !== name) return false;
  if (category !== undefined && entry.category !== category) return false;
  return Object.entries(properties).every(([key, value]) => deepEqual(entry.additionalProperties[key], value));
}

function line({ event, additionalProperties, category }) {
  const properties = Object.keys(additionalProperties).length ? ` ${JSON.stringify(additionalProperties)}` : '';
  return `${event}${properties}${category === undefined ? '' : ` (category ${JSON.stringify(category)})`}`;
}

// What was tracked, in order, and the questions a test asks of it. Not plugged in: see
// installInternalEventsRecorder().
export function createRecorder() {
  const events = [];
  const trackEventSpy = createSpy('trackEventSpy');
  const recorder = {
    /** [{ event, additionalProperties, category }], in the order tracked. */
    events,
    /** Called with (event, additionalProperties, category) for each tracked event. */
    trackEventSpy,
    record(event, additionalProperties = {}, category = undefined) {
      events.push({ event, additionalProperties: additionalProperties || {}, category });
      trackEventSpy(event, additionalProperties, category);
    },
    named: (name) => events.filter((entry) => entry.event === name),
    count: (name, properties, category) => events.filter((entry) => matches(entry, name, properties, category)).length,
    tracked: (name, properties, category) => events.some((entry) => matches(entry, name, properties, category)),
    /** One line per event, for a failed assertion's message. */
    describe() {
      if (!events.length) return 'no events tracked';
      return `${events.length} event${events.length === 1 ? '' : 's'} tracked:\n${events.map((entry) => `  ${line(entry)}`).join('\n')}`;
    },
    clear() {
      events.length = 0;
      trackEventSpy.mockClear();
    },
  };
  return recorder;
}

function hookOf(instance) {
  const hook = instance?.[RECORDER];
  if (typeof hook !== 'function') {
    throw new TypeError('internal-events/testing: this object has no recorder hook; pass InternalEvents (or a createInternalEvents() instance) of the same internal-events package');
  }
  return hook;
}

// Plugs a new recorder into `instance` (the package's InternalEvents unless told): every
// track_event/trackEvent call, mixin call and data-event-* click or load event goes to it,
// synchronously, checked by the module's type rules (a wrong type still throws a TypeError).
// restore() gives delivery (or the recorder installed before) back.
export function installInternalEventsRecorder({ instance = InternalEvents } = {}) {
  const hook = hookOf(instance);
  const recorder = createRecorder();
  const previous = hook((event, additionalProperties, category) => recorder.record(event, additionalProperties, category));
  let restored = false;
  recorder.restore = () => {
    if (restored) return;
    restored = true;
    hook(previous);
  };
  return recorder;
}

// GitLab's useMockInternalEventsTracking(): before each test a fresh recorder, after it the
// documents bound in the test are unbound and the recorder is removed. Jest (and Vitest with
// globals: true) have beforeEach and afterEach as globals; with node:test or Vitest's imports,
// pass them: useMockInternalEventsTracking({ beforeEach, afterEach }).
export function useMockInternalEventsTracking({ beforeEach = globalThis.beforeEach, afterEach = globalThis.afterEach, instance = InternalEvents } = {}) {
  if (typeof beforeEach !== 'function' || typeof afterEach !== 'function') {
    throw new TypeError('useMockInternalEventsTracking: no beforeEach/afterEach here; pass your runner\'s: useMockInternalEventsTracking({ beforeEach, afterEach })');
  }
  hookOf(instance);
  let recorder = null;
  let disposables = [];

  beforeEach(() => {
    recorder = installInternalEventsRecorder({ instance });
  });
  afterEach(() => {
    for (const dispose of disposables) dispose();
    disposables = [];
    recorder?.restore();
    recorder = null;
  });

  const bindInternalEventDocument = (parent = globalThis.document) => {
    if (!recorder) throw new Error('bindInternalEventDocument: call it inside a test (the recorder is installed before each test)');
    disposables.push(instance.bindInternalEventDocument(parent));
    // Dispatches on the element (or the first match of a selector under parent) an event of its
    // own window's Event class: jsdom refuses events made by another realm.
    const triggerEvent = (selectorOrEl, eventName = 'click') => {
      const element = typeof selectorOrEl === 'string' ? parent.querySelector(selectorOrEl) : selectorOrEl;
      if (!element) throw new Error(`triggerEvent: nothing matches ${JSON.stringify(selectorOrEl)}`);
      const EventOfPage = element.ownerDocument?.defaultView?.Event ?? globalThis.Event;
      element.dispatchEvent(new EventOfPage(eventName, { bubbles: true }));
    };
    return { triggerEvent, trackEventSpy: recorder.trackEventSpy };
  };

  return {
    bindInternalEventDocument,
    /** The current test's recorder (null outside a test): events, tracked(), count(), describe(). */
    get recorder() {
      return recorder;
    },
  };
}
