// The wasm core behind a plain JavaScript object. The module is a standalone wasm with a loader
// of a few lines (emscripten's own is ≈7 KB gzipped): it imports two number conversions from
// JavaScript (see wasm/number_text.cpp) and exports C functions that take strings as UTF-8
// (pointer, length) pairs written into its scratch buffer. Every decision is the module's; this
// file only moves values across.
const IDENTIFIERS = 0;
const PROPERTIES = 1;
const ADDITIONAL = 2;
const DELIVERY = ['delivered', 'retry', 'give_up'];

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const utf8Length = (text) => encoder.encode(text).length;

// Resolves to the wasm instance. In node (tests), pass wasmBinary: fetch cannot read files.
export async function instantiateCore({ wasmUrl, wasmBinary, fetch = globalThis.fetch }) {
  let memory;
  const view = () => new Uint8Array(memory.buffer);
  const imports = {
    env: {
      ie_double_text(value, out) {
        const { written } = encoder.encodeInto(String(value), view().subarray(out, out + 32));
        return written;
      },
      ie_parse_double: (pointer, length) => Number(decoder.decode(view().subarray(pointer, pointer + length))),
      emscripten_notify_memory_growth() {},
    },
    wasi_snapshot_preview1: {
      proc_exit(code) {
        throw new Error(`internal-events: the wasm core stopped (exit ${code})`);
      },
    },
  };
  let result;
  if (wasmBinary) {
    result = await WebAssembly.instantiate(wasmBinary, imports);
  } else {
    try {
      // Compiles while downloading; needs the server to answer application/wasm (the receiver does).
      result = await WebAssembly.instantiateStreaming(fetch(wasmUrl), imports);
    } catch {
      // Another server's content type, or no instantiateStreaming: download (again, the first
      // body may be used up), then compile.
      const response = await fetch(wasmUrl);
      if (!response.ok) throw new Error(`${wasmUrl}: HTTP ${response.status}`);
      result = await WebAssembly.instantiate(await response.arrayBuffer(), imports);
    }
  }
  const { exports } = result.instance;
  memory = exports.memory;
  exports._initialize();
  return exports;
}

export function wrapCore(wasm, random = (bytes) => globalThis.crypto.getRandomValues(bytes)) {
  // A view of wasm memory is detached (length 0) when the memory grows: then take a new one.
  let view = new Uint8Array(wasm.memory.buffer);
  const bytes = () => (view.byteLength ? view : (view = new Uint8Array(wasm.memory.buffer)));

  // Random bytes for eids, drawn 256 events at a time: getRandomValues costs as much as the rest
  // of a track_event call together.
  const pool = new Uint8Array(4096);
  let used = pool.length;
  function randomBytes(pointer) {
    if (used === pool.length) {
      random(pool);
      used = 0;
    }
    bytes().set(pool.subarray(used, used + 16), pointer);
    used += 16;
  }

  // Writes the strings one after the other into the scratch buffer (plus `extra` free bytes at
  // the end) and returns [pointer, length, pointer, length, …, extraPointer].
  function pass(strings, extra = 0) {
    let capacity = extra;
    for (const text of strings) capacity += text.length * 3;
    let pointer = wasm.ie_scratch(capacity);
    const memory = bytes();
    const args = [];
    for (const text of strings) {
      const { written } = encoder.encodeInto(text, memory.subarray(pointer, pointer + text.length * 3));
      args.push(pointer, written);
      pointer += written;
    }
    args.push(pointer);
    return args;
  }

  const answer = (pointer) => decoder.decode(bytes().subarray(pointer, pointer + wasm.ie_answer_length()));

  function setField(target, key, value) {
    if (value === null || value === undefined) return;
    switch (typeof value) {
      case 'number':
        wasm.ie_event_set_number(target, ...pass([key]).slice(0, 2), value);
        break;
      case 'boolean':
        wasm.ie_event_set_bool(target, ...pass([key]).slice(0, 2), value ? 1 : 0);
        break;
      default: {
        // Objects and arrays are not scalars: hand them over as text so validation names the field.
        const text = typeof value === 'string' ? value : JSON.stringify(value);
        const [k, kl, v, vl] = pass([key, text]);
        wasm.ie_event_set_string(target, k, kl, v, vl);
      }
    }
  }

  function begin(event, identifiers, properties) {
    wasm.ie_event_begin(...pass([event]).slice(0, 2));
    setAll(IDENTIFIERS, identifiers);
    setAll(PROPERTIES, properties);
  }

  function setAll(target, fields) {
    if (fields) for (const key of Object.keys(fields)) setField(target, key, fields[key]);
  }

  const parseError = (text) => {
    const [kind, field, message] = text.split('\t');
    return { kind, field, message };
  };

  // The pending event as {json, bytes}, null when there is nothing to send, or {error}.
  function payload(category = '') {
    const [c, cl, randomPointer] = pass([category], 16);
    randomBytes(randomPointer);
    const text = answer(wasm.ie_event_payload(randomPointer, c, cl));
    if (text === '-') return null;
    if (text[0] !== '{') return { error: parseError(text) };
    return { json: text, bytes: wasm.ie_answer_length() };
  }

  return {
    version: () => answer(wasm.ie_version()),

    // bundle: the JSON of `internal-events definitions bundle DIR`, already parsed.
    defineEvents(bundle) {
      for (const [name, event] of Object.entries(bundle.events)) {
        wasm.ie_define_event(...pass([name, event.identifiers.join(','), event.additional_properties.join(',')]).slice(0, 6));
      }
    },

    // null when valid, else { kind, field, message }.
    validate({ event, identifiers = {}, properties = {} }) {
      begin(event, identifiers, properties);
      const text = answer(wasm.ie_event_validate());
      return text === '' ? null : parseError(text);
    },

    event({ event, identifiers, properties, category }) {
      begin(String(event ?? ''), identifiers, properties);
      return payload(category);
    },

    // An element's data-event-* attribute texts (absent ones undefined; additional parsed):
    // null when there is nothing to send, else as event().
    dataEvent({ tracking, label, property, value, additional }, identifiers) {
      wasm.ie_data_begin(...pass([tracking]).slice(0, 2));
      [label, property, value].forEach((text, which) => {
        if (text !== undefined && text !== null) wasm.ie_data_set(which, ...pass([text]).slice(0, 2));
      });
      setAll(ADDITIONAL, additional);
      const text = answer(wasm.ie_data_finish());
      if (text === '-') return null;
      if (text !== '') {
        const [field, message] = text.split('\t');
        return { error: { kind: 'invalid_property_type', field, message } };
      }
      setAll(IDENTIFIERS, identifiers);
      return payload();
    },

    configure({ batchSize = 0, maxBatchBytes = 0, flushIntervalMs = 0, maxStoredEvents = 0, maxStoredBytes = 0 }) {
      wasm.ie_policy_configure(batchSize, maxBatchBytes, flushIntervalMs, maxStoredEvents, maxStoredBytes);
    },
    flushIntervalMs: () => wasm.ie_flush_interval_ms(),
    batchFull: (events) => wasm.ie_batch_full(events) === 1,
    batchFits: (events, size) => wasm.ie_batch_fits(events, size) === 1,
    storedFits: (events, size) => wasm.ie_stored_fits(events, size) === 1,
    batchOverhead: (identity = '') => wasm.ie_batch_overhead(...pass([identity]).slice(0, 2)),
    batchBody: (joined, identity = '') => answer(wasm.ie_batch_body(...pass([joined, identity]).slice(0, 4))),
    delivery: (status) => DELIVERY[wasm.ie_delivery(status)],
    retryDelayMs: (attempt, randomNumber) => wasm.ie_retry_delay_ms(attempt, randomNumber),
  };
}
