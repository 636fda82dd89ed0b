// A page for the glue to run in under node: the real bundle and the real wasm, with the browser's
// surfaces (timers, fetch, sendBeacon, localStorage, a few DOM nodes) replaced by small objects
// that record what happens. Only the receiver's answers are scripted here; end-to-end tests
// (tests/e2e) run the same code in Chromium against the real receiver.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const web = path.join(root, 'build/web');
export const wasmBinary = await readFile(path.join(web, 'internal-events.wasm'));
export const { createInternalEvents } = await import(path.join(web, 'internal-events.js'));

export const tick = () => new Promise((resolve) => setImmediate(resolve));

export class FakeStorage {
  constructor() {
    this.items = new Map();
  }
  getItem(key) {
    return this.items.has(key) ? this.items.get(key) : null;
  }
  setItem(key, value) {
    this.items.set(key, String(value));
  }
  removeItem(key) {
    this.items.delete(key);
  }
  get length() {
    return this.items.size;
  }
  key(index) {
    return [...this.items.keys()][index] ?? null;
  }
  // The events of every stored queue, as the glue wrote them.
  events() {
    return [...this.items.values()].flatMap((text) => JSON.parse(text).map((json) => JSON.parse(json)));
  }
}

class EventTarget {
  constructor() {
    this.listeners = {};
  }
  addEventListener(type, listener) {
    (this.listeners[type] ||= []).push(listener);
  }
  removeEventListener(type, listener) {
    this.listeners[type] = (this.listeners[type] || []).filter((l) => l !== listener);
  }
  dispatch(type, event = {}) {
    for (const listener of this.listeners[type] || []) listener({ type, ...event });
  }
}

// Elements support what the glue uses: attributes, closest('[data-event-tracking]'), contains,
// querySelectorAll('[data-event-tracking-load="true"]'), and clicks that bubble to a root.
export class FakeElement extends EventTarget {
  constructor(attributes = {}, children = []) {
    super();
    this.attributes = attributes;
    this.children = children;
    this.parent = null;
    for (const child of children) child.parent = this;
  }
  getAttribute(name) {
    return name in this.attributes ? this.attributes[name] : null;
  }
  closest(selector) {
    const name = selector.match(/^\[([a-z-]+)\]$/)[1];
    for (let element = this; element; element = element.parent) if (element.getAttribute?.(name) !== null) return element;
    return null;
  }
  contains(other) {
    for (let element = other; element; element = element.parent) if (element === this) return true;
    return false;
  }
  querySelectorAll(selector) {
    const [, name, value] = selector.match(/^\[([a-z-]+)="([^"]*)"\]$/);
    const found = [];
    const visit = (element) => {
      for (const child of element.children) {
        if (child.getAttribute(name) === value) found.push(child);
        visit(child);
      }
    };
    visit(this);
    return found;
  }
  click() {
    for (let element = this; element; element = element.parent) element.dispatch('click', { target: this });
  }
}

// Timers run when the test says so, so that backoffs of seconds take no time.
export class FakeClock {
  constructor() {
    this.timers = new Map();
    this.next = 1;
  }
  setTimeout = (fn, delay) => {
    const id = this.next++;
    this.timers.set(id, { fn, delay });
    return id;
  };
  clearTimeout = (id) => this.timers.delete(id);
  delays() {
    return [...this.timers.values()].map((t) => t.delay);
  }
  async runAll(rounds = 20) {
    for (let i = 0; i < rounds && this.timers.size; i++) {
      const timers = [...this.timers.values()];
      this.timers.clear();
      for (const t of timers) t.fn();
      for (let j = 0; j < 5; j++) await tick();
    }
  }
}

// answers: statuses in order (200 once they run out); 'network' makes fetch reject as offline does;
// a function answers from the request body, e.g. (body) => (body.identity === 'fresh' ? 200 : 401).
export function fakePage({ answers = [], online = true, navigator = {}, storage = new FakeStorage(), beacon = true,
  wasmContentType = 'application/wasm' } = {}) {
  const wasmDownloads = [];
  const requests = [];
  const beacons = [];
  const warnings = [];
  const errors = [];
  const infos = [];
  const debugs = [];
  const clock = new FakeClock();
  const window = new EventTarget();
  const document = new FakeElement();
  document.visibilityState = 'visible';
  const env = {
    window,
    document,
    navigator: {
      onLine: online,
      sendBeacon: (url, body) => {
        if (!beacon) return false;
        beacons.push({ url, body: JSON.parse(body) });
        return true;
      },
      ...navigator,
    },
    localStorage: storage,
    crypto: globalThis.crypto,
    console: {
      warn: (...args) => warnings.push(args.join(' ')),
      error: (...args) => errors.push(args.join(' ')),
      info: (...args) => infos.push(args.join(' ')),
      debug: (...args) => debugs.push(args.join(' ')),
    },
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    async fetch(url, init) {
      // The wasm download, for pages that load it by URL.
      if (String(url).endsWith('.wasm')) {
        wasmDownloads.push(String(url));
        return new Response(wasmBinary, { headers: { 'Content-Type': wasmContentType } });
      }
      const status = typeof answers === 'function' ? answers(JSON.parse(init.body)) : answers.length ? answers.shift() : 200;
      requests.push({ url, init, body: JSON.parse(init.body), status });
      if (status === 'network') throw new TypeError('Failed to fetch');
      return { ok: status < 300, status, json: async () => ({ accepted: JSON.parse(init.body).events.length, rejected: [] }) };
    },
  };
  const events = () => requests.filter((r) => r.status === 200).flatMap((r) => r.body.events);
  return { env, requests, beacons, warnings, errors, infos, debugs, clock, storage, window, document, events, wasmDownloads };
}

export async function started(page, options = {}) {
  const tracker = createInternalEvents(page.env);
  tracker.init({ wasmBinary, endpoint: 'http://receiver.test/api/v4/usage_data/track_events', ...options });
  await tracker.flush();
  return tracker;
}

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
