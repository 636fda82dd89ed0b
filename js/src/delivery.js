// Getting events to the receiver without losing or repeating them. The core decides (batch size
// and bytes, what an answer means, how long to wait); this file owns the timers, the network
// and the offline queue. "Once" rests on the receiver: every event carries a UUID `eid` and the
// receiver ignores ids it has seen, so whenever in doubt (a fetch whose answer was lost, a beacon
// sent while a fetch was in flight, a queue restored after a reload) this file sends again.
//
//   track ─► queue ─► batch (≤ batchSize events, < 64 KB) ─► fetch keepalive ─► 2xx: done
//              ▲                                              │ no answer, 408, 429, 5xx:
//              └────────── back to the front, stored, ◄───────┘ retry after backoff + jitter
//   page hidden or closed: the queue goes by sendBeacon; what does not fit is stored.
import { utf8Length } from './wasm_core.js';

export class Delivery {
  constructor({ core, endpoint, identity = '', env, storagePrefix, pageId }) {
    this.core = core;
    this.endpoint = endpoint;
    this.identity = identity;
    this.env = env;
    this.storagePrefix = storagePrefix;
    this.storageKey = storagePrefix + pageId;
    this.queue = [];  // {json, bytes}, oldest first
    this.inFlight = null;  // the items of the batch being sent
    this.attempt = 0;  // failed sends of the current batch in a row
    this.timer = null;  // the flush interval or a retry's backoff
    this.retrying = false;
    this.draining = false;  // send batch after batch until the queue is empty
    this.stored = false;  // storage holds items that must be rewritten when the queue changes
    this.waiters = [];
    this.warned = new Set();
  }

  // Events stored by earlier pages (closed offline, or during a retry) go first. Each page
  // stores under its own key, so that tabs do not overwrite each other's queues; a new page takes
  // over every stored queue. If the tab that stored one is still open it sends those events too,
  // and the receiver's eid check counts them once.
  restore() {
    const storage = this.env.localStorage;
    const restored = [];
    try {
      const keys = [];
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i);
        if (key.startsWith(this.storagePrefix)) keys.push(key);
      }
      for (const key of keys) {
        const items = JSON.parse(storage.getItem(key) || '[]');
        if (Array.isArray(items)) restored.push(...items.filter((json) => typeof json === 'string'));
        storage.removeItem(key);
      }
    } catch {
      // No storage (private mode, disabled, corrupt): nothing to restore.
    }
    if (!restored.length) return;
    this.queue.unshift(...restored.map((json) => ({ json, bytes: utf8Length(json) })));
    this.persist();
    this.draining = true;
    this.schedule(0);
  }

  add(item) {
    if (!this.core.batchFits(1, this.overhead() + item.bytes)) {
      this.warn('too_large', `internal-events: event dropped, ${item.bytes} bytes is more than one request may carry`);
      return;
    }
    this.queue.push(item);
    if (!this.online()) {
      this.persist();
    } else if (this.core.batchFull(this.queue.length)) {
      this.draining = true;
      this.pump();
    } else if (!this.timer) {
      this.schedule(this.core.flushIntervalMs());
    }
  }

  // Resolves when everything queued so far is delivered, given up on, or stored for later.
  flush() {
    this.draining = true;
    const done = new Promise((resolve) => this.waiters.push(resolve));
    if (!this.retrying) this.pump();
    this.settleWaiters();
    return done;
  }

  online() {
    return this.env.navigator?.onLine !== false;
  }

  schedule(delay) {
    this.env.clearTimeout(this.timer);
    this.timer = this.env.setTimeout(() => {
      this.timer = null;
      this.retrying = false;
      this.draining = true;
      this.pump();
    }, delay);
  }

  // The network is back: whatever waits for a retry goes now, not after its backoff (a send
  // still failing from before starts the backoff over, from its shortest wait).
  wake() {
    this.attempt = 0;
    if (!this.queue.length || this.inFlight) return;
    this.retrying = false;
    this.draining = true;
    this.schedule(0);
  }

  takeBatch() {
    let size = this.overhead() - 1;
    let count = 0;
    while (count < this.queue.length && this.core.batchFits(count + 1, size + 1 + this.queue[count].bytes)) {
      size += 1 + this.queue[count].bytes;
      count += 1;
    }
    return this.queue.splice(0, count);
  }

  // The body's bytes around its events, asked of the core once per identity.
  overhead() {
    if (this.overheadFor !== this.identity) {
      this.overheadFor = this.identity;
      this.overheadBytes = this.core.batchOverhead(this.identity);
    }
    return this.overheadBytes;
  }

  body(items) {
    return this.core.batchBody(items.map((item) => item.json).join(','), this.identity);
  }

  pump() {
    if (this.inFlight || this.retrying || !this.queue.length) return this.settleWaiters();
    if (!this.online()) {
      this.persist();
      return this.settleWaiters();
    }
    if (!this.draining && !this.core.batchFull(this.queue.length)) return undefined;
    const items = this.takeBatch();
    this.inFlight = items;
    this.send(items).then((status) => this.settle(items, status));
    return undefined;
  }

  async send(items) {
    try {
      const response = await this.env.fetch(this.endpoint, {
        method: 'POST',
        // A string body is sent as text/plain: a "simple" request, no CORS preflight.
        body: this.body(items),
        keepalive: true,
        credentials: 'same-origin',
      });
      if (response.ok) this.reportRejected(response);
      return response.status;
    } catch {
      return 0;
    }
  }

  async reportRejected(response) {
    try {
      const answer = await response.json();
      if (answer.rejected?.length) this.env.console.warn('internal-events: the receiver rejected events', answer.rejected);
    } catch {
      // The events are delivered; an unreadable answer only loses the rejection details.
    }
  }

  settle(items, status) {
    this.inFlight = null;
    const decision = this.core.delivery(status);
    if (decision === 'retry') {
      this.queue.unshift(...items);
      this.attempt += 1;
      this.retrying = true;
      this.persist();
      this.schedule(this.core.retryDelayMs(this.attempt, Math.random()));
      return this.settleWaiters();
    }
    this.attempt = 0;
    if (decision === 'give_up') {
      this.warn(status, `internal-events: ${items.length} events not accepted (HTTP ${status}); they are not sent again`);
    }
    if (this.stored) this.persist();
    if (!this.queue.length) this.draining = false;
    return this.pump();
  }

  // flush() is answered once nothing is left to do now: sent, or stored until the network or
  // the backoff lets the rest go.
  settleWaiters() {
    if (this.inFlight) return;
    if (this.queue.length && !this.retrying && this.online()) return;
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  // The page is going away (or hidden, which on mobile may be the last chance): beacons carry
  // what they can, storage keeps the rest, including a fetch still in flight (sent again next
  // time; the receiver's eid check makes that harmless).
  leave() {
    const beacon = this.env.navigator?.sendBeacon?.bind(this.env.navigator);
    while (beacon && this.queue.length && this.online()) {
      const items = this.takeBatch();
      if (!items.length || !beacon(this.endpoint, this.body(items))) {
        this.queue.unshift(...items);
        break;
      }
    }
    this.persist();
  }

  // Storage mirrors what is not yet known to be delivered, newest kept when over the bounds.
  persist() {
    const items = [...(this.inFlight || []), ...this.queue];
    let size = 2;
    let keep = 0;
    while (keep < items.length) {
      const item = items[items.length - 1 - keep];
      if (!this.core.storedFits(keep + 1, size + item.bytes + 3)) break;
      size += item.bytes + 3;
      keep += 1;
    }
    if (keep < items.length) {
      this.warn('stored', `internal-events: offline queue full, ${items.length - keep} oldest events dropped`);
      this.queue.splice(0, Math.max(0, items.length - keep - (this.inFlight || []).length));
    }
    try {
      const storage = this.env.localStorage;
      if (!storage) return;
      if (keep) storage.setItem(this.storageKey, JSON.stringify(items.slice(items.length - keep).map((item) => item.json)));
      else storage.removeItem(this.storageKey);
      this.stored = keep > 0;
    } catch {
      this.warn('storage', 'internal-events: localStorage is unavailable, events wait in memory only');
    }
  }

  warn(kind, message) {
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    this.env.console.warn(message);
  }
}
