// The browser API of DESIGN.md (contract): init, track_event/trackEvent, mixin,
// bindInternalEventDocument, trackInternalLoadEvents, flush.
//
// Usable as soon as it is imported: the wasm core loads in the background and calls made before
// it is ready wait in `pending`, in order; when it cannot load at all, the fallback core sends
// them unvalidated. `env` is the page (window, document, navigator, fetch, localStorage, …),
// injected so that tests can run the real glue and the real wasm in node.
import { fallbackCore, typeProblem, valueProblem } from './fallback_core.js';
import { Delivery } from './delivery.js';
import { instantiateCore, wrapCore } from './wasm_core.js';

const DEFAULT_ENDPOINT = '/api/v4/usage_data/track_events';
const SELECTOR = '[data-event-tracking]';
const LOAD_SELECTOR = '[data-event-tracking-load="true"]';

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

export function createInternalEvents(env = globalThis) {
  let options = {};
  let core = null;
  let loading = null;
  let delivery = null;
  const pending = [];  // calls made before the core is ready: [kind, arguments]
  const bound = new WeakMap();  // root → dispose
  const loaded = new WeakSet();  // elements whose load event was tracked
  let listening = false;

  const warn = (...args) => env.console?.warn(...args);

  function disabled() {
    if (options.respectDoNotTrack === false) return false;
    const nav = env.navigator || {};
    // Do Not Track (navigator, or window on older browsers) and Global Privacy Control.
    return nav.doNotTrack === '1' || nav.doNotTrack === 'yes' || env.doNotTrack === '1' || nav.globalPrivacyControl === true;
  }

  function start(wasmCore) {
    core = wasmCore;
    core.configure(options);
    if (options.definitions && core.defineEvents) core.defineEvents(options.definitions);
    delivery = new Delivery({
      core,
      endpoint: options.endpoint,
      identity: options.identity || '',
      env,
      storagePrefix: `internal-events:${options.endpoint}:`,
      pageId: Math.random().toString(36).slice(2),
    });
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
    if (disabled()) return api;
    if (delivery) {
      core.configure(options);
      delivery.endpoint = options.endpoint;
      delivery.identity = options.identity || '';
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

  // The page closes before the wasm arrived: the waiting calls go now, through the fallback.
  function leaveBeforeReady() {
    start(fallbackCore(env.crypto));
    delivery.leave();
  }

  function enqueue(result) {
    if (!result) return;
    if (result.error) {
      const { kind, message } = result.error;
      // Wrong types are the caller's bug and fail loudly, as in GitLab's frontend. Unknown events
      // and undeclared properties (known only with a definitions bundle) are reported, not thrown:
      // a tracking call never breaks the page over analytics.
      if (kind === 'invalid_property_type' || kind === 'invalid_identifier') throw new TypeError(message);
      warn(`internal-events: ${message}`);
      return;
    }
    delivery.add(result);
  }

  function trackNow(event, additionalProperties, category) {
    enqueue(core.event({ event, identifiers: identifiersOf(options.context), properties: additionalProperties || {}, category }));
  }

  function trackElementNow(attributes) {
    enqueue(core.dataEvent(attributes, identifiersOf(options.context)));
  }

  function ready() {
    if (!loading) init();
    return core !== null;
  }

  // Before the wasm is ready, the type rules are checked here so that a wrong type still throws
  // at the call; everything else is checked by the core when the call leaves `pending`.
  function track_event(event, additionalProperties = {}, category = undefined) {
    if (disabled()) return;
    if (ready()) return trackNow(event, additionalProperties, category);
    const problem = typeProblem(event, additionalProperties || {});
    if (problem) throw new TypeError(problem);
    pending.push(['event', [event, additionalProperties, category]]);
  }

  function trackElement(element) {
    if (disabled()) return;
    const attributes = attributesOf(element);
    if (ready()) return trackElementNow(attributes);
    const problem = valueProblem(attributes.value);
    if (problem) throw new TypeError(problem);
    pending.push(['data', [attributes]]);
  }

  function bindInternalEventDocument(root = env.document) {
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
    const elements = [...root.querySelectorAll(LOAD_SELECTOR)].filter((element) => !loaded.has(element));
    for (const element of elements) {
      loaded.add(element);
      trackElement(element);
    }
    return elements;
  }

  async function flush() {
    if (disabled()) return;
    if (!loading) init();
    await loading;
    await delivery.flush();
  }

  const api = {
    init,
    track_event,
    trackEvent: track_event,
    mixin: () => ({ methods: { track_event, trackEvent: track_event } }),
    bindInternalEventDocument,
    trackInternalLoadEvents,
    flush,
  };
  return api;
}
