// The fallback (js/src/fallback_core.js) restates a few of the core's rules for when the wasm
// cannot load. Restated rules drift: this test holds the two to the same answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { fallbackCore, typeProblem } from '../../js/src/fallback_core.js';
import { instantiateCore, wrapCore } from '../../js/src/wasm_core.js';
import { wasmBinary } from './support/fake_page.mjs';

const wasm = wrapCore(await instantiateCore({ wasmBinary }));
const fallback = fallbackCore();

test('the same delivery decision for every status', () => {
  for (let status = 0; status < 700; status++) assert.equal(fallback.delivery(status), wasm.delivery(status), `HTTP ${status}`);
});

test('the same backoff for the same attempt and random number', () => {
  for (let attempt = 1; attempt <= 40; attempt++) {
    for (const random of [0, 0.25, 0.5, 0.999, 1]) {
      assert.equal(fallback.retryDelayMs(attempt, random), wasm.retryDelayMs(attempt, random), `attempt ${attempt}, random ${random}`);
    }
  }
});

test('the same batch limits and the same batch body', () => {
  for (const [events, size] of [[1, 10], [10, 61440], [11, 100], [10, 61441], [1000, 524288], [1001, 10]]) {
    assert.equal(fallback.batchFits(events, size), wasm.batchFits(events, size), `${events} events, ${size} bytes`);
    assert.equal(fallback.storedFits(events, size), wasm.storedFits(events, size), `stored ${events} events, ${size} bytes`);
    assert.equal(fallback.batchFull(events), wasm.batchFull(events), `${events} events`);
  }
  for (const identity of ['', 'a.b.c', 'quote"and\\\\']) {
    assert.equal(fallback.batchOverhead(identity), wasm.batchOverhead(identity));
    assert.equal(fallback.batchBody('{"event":"a"},{"event":"b"}', identity), wasm.batchBody('{"event":"a"},{"event":"b"}', identity));
  }
});

test('the same answers for data-event-* attributes', () => {
  for (const value of [undefined, '0', '2.5', '-1e3', ' 7 ', '', 'abc', '0x10', 'NaN', '01', '1.', '.5', '+1', '12px']) {
    for (const tracking of ['clicked', '', '  ']) {
      const attributes = { tracking, label: 'l', property: 'p', value, additional: { source: 'x' } };
      const summary = (result) =>
        result === null ? null : result.error ? result.error.message : JSON.parse(result.json).additional_properties;
      assert.deepEqual(summary(fallback.dataEvent(attributes, {})), summary(wasm.dataEvent(attributes, {})), `value ${JSON.stringify(value)}, name ${JSON.stringify(tracking)}`);
    }
  }
});

test('the same type errors, word for word', () => {
  for (const properties of [{ label: 1 }, { label: 1.5 }, { property: true }, { value: 'x' }, { value: null, label: 'ok' }, { label: 'a', value: 2 }]) {
    const error = wasm.validate({ event: 'e', properties });
    assert.equal(typeProblem('e', properties), error ? error.message : null, JSON.stringify(properties));
  }
});
