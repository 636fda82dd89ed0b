// What runs when the wasm core cannot load at all (a Content-Security-Policy without
// 'wasm-unsafe-eval', a browser without WebAssembly, a blocked download), and for calls still
// waiting for the wasm when the page is being closed. It keeps events flowing with only GitLab's
// type rules checked (a wrong type still throws at the call): the receiver validates every event
// anyway. It restates the core's rules in their simplest form
// (core/batch_policy.hpp, core/data_attributes.hpp, the type rules of core/event_validation.cpp)
// rather than decide anything new.
import { utf8Length } from './wasm_core.js';

const NUMBER = /^\s*-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?\s*$/;
const IDENTIFIER_FIELDS = { user: 'user_id', project: 'project_id', namespace: 'namespace_id' };

function uuid(crypto) {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const kind = (value) =>
  typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'float') : value === null ? 'null' : typeof value;

// GitLab's type rules for the three base properties (core/event_validation.cpp), for calls made
// before the wasm is ready: the contract says a wrong type throws at the call, not later.
export function typeProblem(event, properties = {}) {
  for (const key of ['label', 'property', 'value']) {
    const value = properties[key];
    if (value === undefined || value === null) continue;
    const wanted = key === 'value' ? 'number' : 'string';
    if (typeof value !== wanted) return `event '${event}': ${key} must be a ${wanted}, not ${kind(value)}`;
  }
  return null;
}

// The same for an element's data-event-value (core/data_attributes.cpp).
export function valueProblem(value) {
  return value == null || NUMBER.test(value) ? null : `data-event-value must be a number, not "${value}"`;
}

// An element's properties as its data-event-* attributes give them (core/data_attributes.cpp):
// value is a number; a wrong one must have been refused with valueProblem() first.
export function dataProperties({ label, property, value, additional = {} }) {
  const properties = { ...additional };
  if (label != null) properties.label = label;
  if (property != null) properties.property = property;
  if (value != null) properties.value = Number(value);
  return properties;
}

export function fallbackCore(crypto = globalThis.crypto) {
  const limits = { batchSize: 10, maxBatchBytes: 60 * 1024, flushIntervalMs: 2000, maxStoredEvents: 1000, maxStoredBytes: 512 * 1024 };

  function event({ event, identifiers = {}, properties = {}, category }) {
    if (!String(event ?? '').trim()) return null;
    const problem = typeProblem(event, properties);
    if (problem) return { error: { kind: 'invalid_property_type', message: problem } };
    const payload = { event, eid: uuid(crypto) };
    for (const [kind, field] of Object.entries(IDENTIFIER_FIELDS)) if (identifiers[kind] != null) payload[field] = identifiers[kind];
    if (Object.keys(properties).length) payload.additional_properties = properties;
    if (category) payload.category = category;
    const json = JSON.stringify(payload);
    return { json, bytes: utf8Length(json) };
  }

  return {
    fallback: true,
    event,
    dataEvent(attributes, identifiers) {
      if (!attributes.tracking.trim()) return null;
      const problem = valueProblem(attributes.value);
      if (problem) return { error: { kind: 'invalid_property_type', field: 'data-event-value', message: problem } };
      return event({ event: attributes.tracking, identifiers, properties: dataProperties(attributes) });
    },
    configure(options) {
      for (const key of Object.keys(limits)) if (options[key]) limits[key] = options[key];
    },
    flushIntervalMs: () => limits.flushIntervalMs,
    batchFull: (events) => events >= limits.batchSize,
    batchFits: (events, size) => events <= limits.batchSize && size <= limits.maxBatchBytes,
    storedFits: (events, size) => events <= limits.maxStoredEvents && size <= limits.maxStoredBytes,
    batchOverhead: (identity = '') => utf8Length(JSON.stringify({ events: [], ...(identity ? { identity } : {}) })),
    batchBody: (joined, identity = '') => `{"events":[${joined}]${identity ? `,"identity":${JSON.stringify(identity)}` : ''}}`,
    delivery: (status) =>
      status >= 200 && status < 300 ? 'delivered' : status === 0 || status === 408 || status === 429 || (status >= 500 && status < 600) ? 'retry' : 'give_up',
    retryDelayMs: (attempt, random) => {
      const delay = Math.min(1000 * 2 ** Math.min(attempt - 1, 30), 300000);
      return Math.floor(delay / 2 + Math.min(Math.max(random, 0), 1) * (delay / 2));
    },
  };
}
