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
// A 401 is the identity token's fault, not the events': a token function is asked once for a
// fresh token and the batch is sent again; a second 401, or a plain token, drops the batch.
import { utf8Length } from './wasm_core.js';
import { eventNames } from './console_notes.js';

// Every page's stored queue for one endpoint (opting out forgets them all).
export function removeStoredQueues(storage, prefix) {
  try {
    const keys = [];
    for (let i = 0; i < storage.length; i++) if (storage.key(i).startsWith(prefix)) keys.push(storage.key(i));
    for (const key of keys) storage.removeItem(key);
  } catch {
    // No storage: nothing was stored.
  }
}

export class Delivery {
  constructor({ core, endpoint, identity, env, notes, storagePrefix, pageId }) {
    this.core = core;
    this.endpoint = endpoint;
    this.identity = identity;  // an IdentitySource
    this.env = env;
    this.notes = notes;
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
    this.notes.debug(`restored ${restored.length} events stored by an earlier page`);
    this.queue.unshift(...restored.map((json) => ({ json, bytes: utf8Length(json) })));
    this.persist();
    this.draining = true;
    this.schedule(0);
  }

  add(item) {
    if (!this.core.batchFits(1, this.overhead() + item.bytes)) {
      this.drop('too_large', [item], `${item.bytes} bytes is more than one request may carry`);
      return;
    }
    this.queue.push(item);
    this.notes.debug(`queued ${item.event} (${this.queue.length} waiting)`);
    if (!this.online()) {
      this.notes.debug('offline: the queue is stored until the browser is online');
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

  // The body's bytes around its events, asked of the core once per token. A refreshed token of
  // another length changes a batch by a few bytes: maxBatchBytes leaves room under 64 KB for that.
  overhead() {
    const token = this.identity.token;
    if (this.overheadFor !== token) {
      this.overheadFor = token;
      this.overheadBytes = this.core.batchOverhead(token);
    }
    return this.overheadBytes;
  }

  body(items, token) {
    return this.core.batchBody(items.map((item) => item.json).join(','), token);
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

  // The batch's HTTP status (0: no answer), after at most one token refresh.
  async send(items) {
    const status = await this.post(items, await this.identity.current());
    if (status !== 401 || !this.identity.refreshable || items !== this.inFlight) return status;
    this.notes.debug(`HTTP 401 for ${items.length} events: asking the identity function for a fresh token, then sending them again`);
    return this.post(items, await this.identity.refresh());
  }

  async post(items, token) {
    this.hintWithoutIdentity(items, token);
    try {
      const response = await this.env.fetch(this.endpoint, {
        method: 'POST',
        // A string body is sent as text/plain: a "simple" request, no CORS preflight.
        body: this.body(items, token),
        keepalive: true,
        credentials: 'same-origin',
      });
      if (response.ok) this.reportRejected(response);
      return response.status;
    } catch {
      return 0;
    }
  }

  // Events of definitions that name a user identifier, leaving with no user at all, count in
  // totals only: the developer probably meant to pass an identity.
  hintWithoutIdentity(items, token) {
    if (token || !items.some((item) => item.wantsUser)) return;
    this.notes.infoOnce('no_identity', 'internal-events: events leave without a user identity (no identity token and no ' +
      'context.user_id), so the receiver counts them in totals but not in unique-user metrics; pass init({ identity })');
  }

  async reportRejected(response) {
    try {
      const answer = await response.json();
      if (answer.rejected?.length) this.env.console?.warn('internal-events: the receiver rejected events', answer.rejected);
    } catch {
      // The events are delivered; an unreadable answer only loses the rejection details.
    }
  }

  settle(items, status) {
    if (items !== this.inFlight) return undefined;  // discarded while in flight (opt-out)
    this.inFlight = null;
    const decision = this.core.delivery(status);
    const answer = status ? `HTTP ${status}` : 'no answer';
    if (decision === 'retry') {
      this.queue.unshift(...items);
      this.attempt += 1;
      this.retrying = true;
      this.persist();
      const delay = this.core.retryDelayMs(this.attempt, Math.random());
      this.notes.debug(`retrying ${items.length} events (${eventNames(items)}) in ${delay} ms: ${answer}`);
      this.schedule(delay);
      return this.settleWaiters();
    }
    this.attempt = 0;
    if (decision === 'delivered') this.notes.debug(`sent ${items.length} events (${eventNames(items)}): ${answer}`);
    else if (status === 401) this.drop(401, items, this.identity.refreshable
      ? 'HTTP 401, the receiver refused the identity token, also the fresh one the identity function gave'
      : 'HTTP 401, the receiver refused the identity token (expired or not signed with its secret); ' +
        'init({ identity: () => freshToken }) lets the module ask for a new one');
    else this.drop(status, items, `${answer}; they are not sent again`);
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
  // A token function still answering leaves the queue stored, for the next page to send with one.
  leave() {
    const beacon = this.env.navigator?.sendBeacon?.bind(this.env.navigator);
    const token = this.identity.now();
    while (beacon && token !== null && this.queue.length && this.online()) {
      const items = this.takeBatch();
      this.hintWithoutIdentity(items, token);
      if (!items.length || !beacon(this.endpoint, this.body(items, token))) {
        this.queue.unshift(...items);
        break;
      }
      this.notes.debug(`sent ${items.length} events (${eventNames(items)}) by beacon: the page is hidden or closing`);
    }
    this.persist();
    if (this.stored) this.notes.debug(`stored ${this.queue.length + (this.inFlight?.length ?? 0)} events for the next page`);
  }

  // Opting out: the queue, a batch in flight and every stored queue are forgotten.
  discard() {
    const count = this.queue.length + (this.inFlight?.length ?? 0);
    this.env.clearTimeout(this.timer);
    Object.assign(this, { timer: null, queue: [], inFlight: null, attempt: 0, retrying: false, draining: false, stored: false });
    removeStoredQueues(this.env.localStorage, this.storagePrefix);
    this.notes.debug(`dropped ${count} waiting events and the offline queue: the user opted out`);
    this.settleWaiters();
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
      this.drop('stored', items.slice(0, items.length - keep), 'offline queue full, the oldest go first');
      this.queue.splice(0, Math.max(0, items.length - keep - (this.inFlight || []).length));
    }
    try {
      const storage = this.env.localStorage;
      if (!storage) return;
      if (keep) storage.setItem(this.storageKey, JSON.stringify(items.slice(items.length - keep).map((item) => item.json)));
      else storage.removeItem(this.storageKey);
      this.stored = keep > 0;
    } catch {
      this.notes.warnOnce('storage', 'internal-events: localStorage is unavailable, events wait in memory only');
    }
  }

  // One warning per kind of loss, one debug line per loss.
  drop(kind, items, why) {
    this.notes.warnOnce(`drop:${kind}`, `internal-events: ${items.length} events dropped: ${why}`);
    this.notes.debug(`dropped ${items.length} events (${eventNames(items)}): ${why}`);
  }
}
