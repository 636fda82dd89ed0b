// The `internal-events` command refuses mistakes (issue #22): out-of-range ports, store paths that
// are not there, typos. Each refusal is one stderr line with the exit code a script can act on
// (2 for usage, 1 for failure) and leaves nothing behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const binary = process.env.INTERNAL_EVENTS_BINARY ?? path.join(root, 'build/native/internal-events');
const SUGGESTION = 'i_code_review_user_apply_suggestion';

function run(...args) {
  const result = spawnSync(binary, args, { cwd: root, encoding: 'utf8', timeout: 10000 });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

function lines(text) {
  return text.split('\n').filter(Boolean);
}

// The refusal: its exit code, and exactly one stderr line matching `message`.
function assertRefused(result, code, message) {
  assert.equal(result.code, code, result.err);
  assert.equal(lines(result.err).length, 1, result.err);
  assert.match(result.err.trimEnd(), message);
}

function scratch(t) {
  const dir = mkdtempSync(path.join(tmpdir(), 'ie-refusals-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('no command is a usage error: the usage on stderr, nothing on stdout, exit 2', () => {
  const { code, out, err } = run();
  assert.equal(code, 2);
  assert.equal(out, '');
  assert.match(err, /^usage: internal-events COMMAND/);
  assert.match(err, /^ {2}serve {9}receive events over HTTP/m);
});

test('a --listen port outside 1-65535 is a usage error, and --help says 0 picks a free one', () => {
  for (const port of ['99999', '65536', '100000000000000000000']) {
    assertRefused(run('serve', '--listen', `127.0.0.1:${port}`), 2,
      new RegExp(`--listen 127\\.0\\.0\\.1:${port}: port ${port} is outside 1-65535 \\(0 picks a free one\\)`));
  }
  assertRefused(run('serve', '--listen', '127.0.0.1:http'), 2, /--listen 127\.0\.0\.1:http: port 'http' is not a number/);
  assertRefused(run('serve', '--listen', '127.0.0.1:-1'), 2, /port '-1' is not a number/);
  assertRefused(run('serve', '--listen', 'nowhere'), 2, /--listen nowhere must be HOST:PORT/);
  assert.match(run('serve', '--help').out, /0 for a\s+free one the system picks/);
});

test('track refuses a store whose folder does not exist, and makes no folder', (t) => {
  const dir = scratch(t);
  const folder = path.join(dir, 'nonexistent', 'dir');
  const store = path.join(folder, 'x.sqlite3');
  assertRefused(run('track', SUGGESTION, '--user', '1', '--store', `sqlite:${store}`), 1,
    new RegExp(`internal-events track: no folder ${folder} for the store ${store}$`, 'm'));
  assert.equal(existsSync(path.join(dir, 'nonexistent')), false);

  const beside = path.join(dir, 'fresh.sqlite3');  // a new file in an existing folder is fine
  assert.equal(run('track', SUGGESTION, '--user', '1', '--store', `sqlite:${beside}`).code, 0);
  assert.ok(existsSync(beside));
});

test('read-only commands on a missing store say so, exit 1, and create nothing', (t) => {
  const dir = scratch(t);
  const missing = path.join(dir, 'missing.sqlite3');
  const store = `sqlite:${missing}`;
  for (const command of [['metrics'], ['metrics', '--json'], ['export'], ['outbox', 'status'], ['outbox', 'dead'], ['outbox', 'retry-dead']]) {
    const result = run(...command, '--store', store);
    assertRefused(result, 1, new RegExp(`^internal-events ${command[0]}: no store at ${missing}$`));
    assert.equal(result.out, '', command.join(' '));
    assert.equal(existsSync(missing), false, command.join(' '));
  }
  assert.equal(existsSync(path.join(dir, 'nowhere')), false);
  assertRefused(run('metrics', '--store', `sqlite:${path.join(dir, 'nowhere', 'x.sqlite3')}`), 1, /no store at/);
  assert.equal(existsSync(path.join(dir, 'nowhere')), false);
});

test('an invalid event is one error line and touches no store', (t) => {
  const dir = scratch(t);
  const store = path.join(dir, 'x.sqlite3');
  assertRefused(run('track', 'no_such_event', '--store', `sqlite:${store}`), 1,
    /^internal-events track: unknown event 'no_such_event': it has no definition$/);
  assertRefused(run('track', 'pull_package', '--property', 'colour=red', '--store', `sqlite:${store}`), 1,
    /colour is not declared/);
  assert.equal(existsSync(store), false);
});

test('a mistyped event name is answered with the defined name nearest to it', () => {
  const didYouMean = new RegExp(`unknown event 'i_code_review_user_aply_sugestion': it has no definition; did you mean '${SUGGESTION}'\\?$`);
  assertRefused(run('track', 'i_code_review_user_aply_sugestion', '--store', 'sqlite:/nonexistent/x.sqlite3'), 1, didYouMean);
  assertRefused(run('keys', 'i_code_review_user_aply_sugestion'), 1, didYouMean);
  assertRefused(run('keys', 'pul_pakage'), 1, /did you mean 'pull_package'\?$/);
  // Far from every defined name: no guess.
  assertRefused(run('keys', 'deploy_rocket'), 1, /^internal-events keys: unknown event 'deploy_rocket': it has no definition$/);
});

test('mistyped options and commands are answered with the nearest known one', () => {
  assertRefused(run('metrics', '--stor', 'sqlite:x'), 2, /^internal-events metrics: unknown option --stor; did you mean --store\? \(try --help\)$/);
  assertRefused(run('keys', SUGGESTION, '--definition', 'config'), 2, /unknown option --definition; did you mean --definitions\?/);
  assertRefused(run('track', SUGGESTION, '--usr', '1'), 2, /unknown option --usr; did you mean --user\?/);
  // Last on the line, a mistyped flag is still a typo, not an option missing its value.
  assertRefused(run('serve', '--craete'), 2, /unknown option --craete; did you mean --create\?/);
  assertRefused(run('serve', '--colour', 'blue'), 2, /^internal-events serve: unknown option --colour \(try --help\)$/);
  assertRefused(run('serve', '--store'), 2, /option --store needs a value/);
  assertRefused(run('sreve'), 2, /^internal-events: unknown command 'sreve'; did you mean 'serve'\? \(try --help\)$/);
  assertRefused(run('frobnicate'), 2, /^internal-events: unknown command 'frobnicate' \(try --help\)$/);
});
