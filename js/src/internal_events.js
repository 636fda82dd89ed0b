// The browser API of DESIGN.md (contract): init, track_event/trackEvent, mixin,
// bindInternalEventDocument, trackInternalLoadEvents, flush; and optOut/optIn/isOptedOut.
//
// Usable as soon as it is imported: the wasm core loads in the background and calls made before
// it is ready wait in `pending`, in order; when it cannot load at all, the fallback core sends
// them unvalidated. `env` is the page (window, document, navigator, fetch, localStorage, …),
// injected so that tests can run the real glue and the real wasm in node. Outside a page (server
// rendering, node, a worker: no window or document) every call does nothing and resolves at
// once, and nothing is loaded or scheduled.
import { dataProperties, fallbackCore, typeProblem, valueProblem } from './fallback_core.js';
import { Delivery, removeStoredQueues } from './delivery.js';
import { instantiateCore, wrapCore } from './wasm_core.js';
import { ConsoleNotes } from './console_notes.js';
import { Consent } from './consent.js';
import { IdentitySource } from './identity.js';

const DEFAULT_ENDPOINT = '/api/v4/usage_data/track_events';
const SELECTOR = '[data-event-tracking]';
const LOAD_SELECTOR = '[data-event-tracking-load="true"]';
// Where internal-events/testing (js/testing.js) plugs in its recorder: a registered symbol, so that
// the separate module finds it without a name in the public API.
const RECORDER = Symbol.for('internal-events.recorder');

function identifiersOf(context = {}) {
  return { user: context.user_id, project: context.project_id, namespace: context.namespace_id };
}

function attributesOf(element) {
  const read = (name) => element.getAttribute(`data-event-${name}`) ?? undefined;
  let additional;
  const text = read('additional');
  if (text !== undefined) {
    try {
      additional = JSON.parse(text);
    } catch {
      additional = undefined;
    }
    if (additional === null || typeof additional !== 'object' || Array.isArray(additional)) {
      throw new TypeError(`data-event-additional must be a JSON object, not ${JSON.stringify(text)}`);
    }
  }
  return { tracking: read('tracking') ?? '', label: read('label'), property: read('property'), value: read('value'), additional };
}

// Whether the definitions bundle declares the user identifier for this event (the bundle names
// identifiers, not metrics: an event that declares `user` is one meant to be counted per user).
function declaresUser(definitions, event) {
  return definitions?.events?.[event]?.identifiers?.includes('user') === true;
}

export function createInternalEvents(env = globalThis) {
  let options = {};
  let core = null;
  let loading = null;
  let delivery = null;
  const pending = [];  // calls made before the core is ready: [kind, arguments]
  const bound = new WeakMap();  // root → dispose
  const loaded = new WeakSet();  // elements whose load event was tracked
  let listening = false;
  const inPage = Boolean(env.window && env.document);
  const notes = new ConsoleNotes(env);
  const consent = new Consent(env, notes);
  let identity = new IdentitySource(undefined, notes);
  // Set by internal-events/testing: tracking calls are checked by the type rules and handed to it
  // at once, page or no page; nothing is loaded, queued, stored or sent.
  let recorder = null;

  const warn = (...args) => env.console?.warn(...args);

  // Why tracking calls do nothing now, or null.
  function blocked() {
    if (!inPage) return 'no page (server-side rendering or node)';
    return consent.blocked(options.respectDoNotTrack);
  }

  const storagePrefix = () => `internal-events:${options.endpoint || DEFAULT_ENDPOINT}:`;

  function start(wasmCore) {
    core = wasmCore;
    core.configure(options);
    if (options.definitions && core.defineEvents) core.defineEvents(options.definitions);
    delivery = new Delivery({
      core,
      endpoint: options.endpoint,
      identity,
      env,
      notes,
      storagePrefix: storagePrefix(),
      pageId: Math.random().toString(36).slice(2),
    });
    identity.refresh();
    delivery.restore();
    for (const [kind, args] of pending.splice(0)) {
      try {
        (kind === 'event' ? trackNow : trackElementNow)(...args);
      } catch (error) {
        // The caller is long gone; the console is the only place left for the error.
        env.console?.error(error);
      }
    }
  }

  function load() {
    if (loading) return loading;
    const wasmUrl = options.wasmUrl ?? new URL('internal-events.wasm', import.meta.url);
    loading = instantiateCore({ wasmUrl, wasmBinary: options.wasmBinary, fetch: env.fetch?.bind(env) })
      .then((wasm) => wrapCore(wasm, (bytes) => env.crypto.getRandomValues(bytes)))
      .catch((error) => {
        warn('internal-events: the wasm core did not load, events are sent unvalidated:', error?.message ?? error);
        return fallbackCore(env.crypto);
      })
      .then(start);
    return loading;
  }

  function init(settings = {}) {
    options = { ...options, ...settings };
    options.endpoint ||= DEFAULT_ENDPOINT;
    notes.debugging = options.debug === true;
    if ('identity' in settings) useIdentity(settings.identity);
    const why = blocked();
    if (why) {
      notes.debug(`not starting: ${why}`);
      return api;
    }
    if (delivery) {
      core.configure(options);
      delivery.endpoint = options.endpoint;
    }
    load();
    const win = env.window;
    if (win?.addEventListener && !listening) {
      listening = true;
      const leave = () => (delivery ? delivery.leave() : leaveBeforeReady());
      win.addEventListener('pagehide', leave);
      env.document?.addEventListener?.('visibilitychange', () => env.document.visibilityState === 'hidden' && leave());
      win.addEventListener('online', () => delivery?.wake());
    }
    return api;
  }

  function useIdentity(token) {
    identity = new IdentitySource(token, notes);
    if (delivery) {
      delivery.identity = identity;
      identity.refresh();
    }
  }

  // The page closes before the wasm arrived: the waiting calls go now, through the fallback.
  function leaveBeforeReady() {
    start(fallbackCore(env.crypto));
    delivery.leave();
  }

  function enqueue(event, result) {
    if (!result) {
      notes.debug('not sent: the event name is empty');
      return;
    }
    if (result.error) {
      const { kind, message } = result.error;
      notes.debug(`dropped ${event}: ${message}`);
      // Wrong types are the caller's bug and fail loudly, as in GitLab's frontend. Unknown events
      // and undeclared properties (known only with a definitions bundle) are reported, not thrown:
      // a tracking call never breaks the page over analytics.
      if (kind === 'invalid_property_type' || kind === 'invalid_identifier') throw new TypeError(message);
      warn(`internal-events: ${message}`);
      return;
    }
    notes.debug(core.fallback ? `checked the types of ${event} (no wasm core: the receiver validates the rest)` : `validated ${event}`);
    result.event = event;
    result.wantsUser = options.context?.user_id == null && declaresUser(options.definitions, event);
    delivery.add(result);
  }

  function trackNow(event, additionalProperties, category) {
    enqueue(event, core.event({ event, identifiers: identifiersOf(options.context), properties: additionalProperties || {}, category }));
  }

  function trackElementNow(attributes) {
    enqueue(attributes.tracking, core.dataEvent(attributes, identifiersOf(options.context)));
  }

  function skipped(event) {
    const why = recorder ? (inPage ? consent.blocked(options.respectDoNotTrack) : null) : blocked();
    if (why) notes.debug(`not tracked ${event}: ${why}`);
    return why !== null;
  }

  function ready() {
    if (!loading) init();
    return core !== null;
  }

  // Before the wasm is ready, the type rules are checked here so that a wrong type still throws
  // at the call; everything else is checked by the core when the call leaves `pending`.
  function track_event(event, additionalProperties = {}, category = undefined) {
    if (skipped(event)) return;
    if (recorder) return record(event, additionalProperties, category);
    if (ready()) return trackNow(event, additionalProperties, category);
    const problem = typeProblem(event, additionalProperties || {});
    if (problem) throw new TypeError(problem);
    pending.push(['event', [event, additionalProperties, category]]);
  }

  function trackElement(element) {
    if (skipped(element.getAttribute('data-event-tracking'))) return;
    const attributes = attributesOf(element);
    if (recorder) {
      const problem = valueProblem(attributes.value);
      if (problem) throw new TypeError(problem);
      return record(attributes.tracking, dataProperties(attributes), undefined);
    }
    if (ready()) return trackElementNow(attributes);
    const problem = valueProblem(attributes.value);
    if (problem) throw new TypeError(problem);
    pending.push(['data', [attributes]]);
  }

  // What the module would send, as the call gave it: empty names are not sent, wrong types throw.
  function record(event, additionalProperties, category) {
    if (!String(event ?? '').trim()) return;
    const problem = typeProblem(event, additionalProperties || {});
    if (problem) throw new TypeError(problem);
    recorder(event, additionalProperties, category);
  }

  function bindInternalEventDocument(root = env.document) {
    if (!root) return () => {};  // no page: nothing to listen to
    if (bound.has(root)) return bound.get(root);
    const listener = (e) => {
      const element = e.target?.closest?.(SELECTOR);
      if (element && (root === env.document || root.contains(element))) trackElement(element);
    };
    root.addEventListener('click', listener);
    const dispose = () => {
      root.removeEventListener('click', listener);
      bound.delete(root);
    };
    bound.set(root, dispose);
    trackInternalLoadEvents(root);
    return dispose;
  }

  function trackInternalLoadEvents(root = env.document) {
    if (!root) return [];
    const elements = [...root.querySelectorAll(LOAD_SELECTOR)].filter((element) => !loaded.has(element));
    for (const element of elements) {
      loaded.add(element);
      trackElement(element);
    }
    return elements;
  }

  async function flush() {
    if (blocked()) return;
    if (!loading) init();
    await loading;
    await delivery.flush();
  }

  // The user's choice, kept in localStorage: nothing is tracked, queued or stored until optIn().
  function optOut() {
    if (!inPage) return;
    consent.setOptedOut(true);
    pending.length = 0;
    // Before the module has started there is no Delivery, but earlier pages' queues may be stored.
    if (delivery) delivery.discard();
    else removeStoredQueues(env.localStorage, storagePrefix());
  }

  function optIn() {
    if (!inPage) return;
    consent.setOptedOut(false);
    notes.debug('opted in: tracking resumes');
  }

  const api = {
    init,
    track_event,
    trackEvent: track_event,
    mixin: () => ({ methods: { track_event, trackEvent: track_event } }),
    bindInternalEventDocument,
    trackInternalLoadEvents,
    flush,
    optOut,
    optIn,
    isOptedOut: () => consent.optedOut(),
    // Replaces the recorder (a function, or null for delivery again); returns the one it replaces.
    [RECORDER]: (next) => {
      const previous = recorder;
      recorder = next;
      return previous;
    },
  };
  return api;
}
