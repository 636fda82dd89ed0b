// A SQLite store that is not a database, or a truncated one: `serve` (and `metrics`) stop at once
// with one error line and a non-zero exit, and leave the file as it was (no journal beside it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { SUGGESTION, binary, root, tempDir } from './receiver.mjs';

const definitions = path.join(root, 'config');

function run(...args) {
  return spawnSync(binary, args, { encoding: 'utf8', timeout: 10000 });
}

function damagedStores(dir) {
  const notADatabase = path.join(dir, 'text.sqlite3');
  writeFileSync(notADatabase, 'these are notes, not counters\n'.repeat(200));
  const real = path.join(dir, 'real.sqlite3');
  for (let user = 1; user <= 50; user += 1) {
    const tracked = run('track', SUGGESTION, '--user', String(user), '--store', `sqlite:${real}`, '--definitions', definitions);
    assert.equal(tracked.status, 0, tracked.stderr);
  }
  const truncated = path.join(dir, 'truncated.sqlite3');
  writeFileSync(truncated, readFileSync(real).subarray(0, 3000));
  return { 'not a database': notADatabase, truncated };
}

test('a store that is not a database, or truncated: one error line, exit 1, the file untouched', async (t) => {
  const dir = tempDir(t);
  for (const [kind, file] of Object.entries(damagedStores(dir))) {
    const before = readFileSync(file);
    for (const args of [['serve', '--listen', '127.0.0.1:0', '--definitions', definitions], ['metrics', '--definitions', definitions]]) {
      const result = run(...args, '--store', `sqlite:${file}`);
      assert.equal(result.status, 1, `${kind}, ${args[0]}: ${result.stderr}`);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `${kind}, ${args[0]}: one line, not\n${result.stderr}`);
      assert.match(lines[0], new RegExp(`^internal-events ${args[0]}: sqlite:.*: cannot use it: (file is not a database|database disk image is malformed)$`));
      assert.deepEqual(readFileSync(file), before, `${kind}: the file is untouched`);
    }
  }
  assert.deepEqual(readdirSync(dir).filter((name) => /-(wal|shm|journal)$/.test(name)), []);
});
