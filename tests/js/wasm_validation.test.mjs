// The wasm build of core, loaded in node, must answer exactly as the native build does: both run
// tests/cases/event_validation.json, and a bundle made by the native command feeds the wasm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

import { instantiateCore, wrapCore } from '../../js/src/wasm_core.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const web = path.join(root, 'build/web');

// The optimized module the browser gets (build/web), through the glue's own loader. In node,
// fetch() cannot read a file path: the loader takes the bytes.
async function loadCore() {
  const wasmBinary = await readFile(path.join(web, 'internal-events.wasm'));
  return wrapCore(await instantiateCore({ wasmBinary }));
}

test('the wasm core reports its version', async () => {
  const core = await loadCore();
  const cmake = await readFile(path.join(root, 'CMakeLists.txt'), 'utf8');
  assert.equal(core.version(), cmake.match(/VERSION (\d+\.\d+\.\d+)/)[1]);
});

test('the wasm core validates the shared cases as the native build does', async () => {
  const core = await loadCore();
  const cases = JSON.parse(await readFile(path.join(root, 'tests/cases/event_validation.json'), 'utf8'));
  core.defineEvents(cases);
  for (const c of cases.cases) {
    const answer = core.validate({ event: c.event, identifiers: c.identifiers, properties: c.properties });
    assert.deepEqual(answer, c.error, c.title);
  }
});

test('a bundle from the native command defines the events the wasm validates', async () => {
  const core = await loadCore();
  const binary = process.env.INTERNAL_EVENTS_BINARY ?? path.join(root, 'build/native/internal-events');
  const bundle = JSON.parse(execFileSync(binary, ['definitions', 'bundle', path.join(root, 'config')], { encoding: 'utf8' }));
  core.defineEvents(bundle);
  assert.equal(core.validate({ event: 'pull_package', identifiers: { user: 1 }, properties: { label: 'npm', value: 0 } }), null);
  assert.equal(core.validate({ event: 'pull_package', properties: { package_version_count: 3 } }), null);
  assert.deepEqual(core.validate({ event: 'pull_package', properties: { colour: 'red' } }), {
    kind: 'undeclared_property',
    field: 'colour',
    message: "event 'pull_package': colour is not declared in the event's additional_properties",
  });
  assert.equal(core.validate({ event: 'i_code_review_user_apply_suggestion', properties: { label: 1 } }).field, 'label');
});
