// The `internal-events` command as a user runs it: the contract outputs, exit codes and errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const binary = process.env.INTERNAL_EVENTS_BINARY ?? path.join(root, 'build/native/internal-events');
const corpus = path.resolve(root, '../shared/gitlab-definitions/config');

function run(...args) {
  const result = spawnSync(binary, args, { cwd: root, encoding: 'utf8' });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

function lines(text) {
  return text.split('\n').filter(Boolean);
}

test('keys prints the contract keys of an event, sorted', () => {
  const { code, out } = run('keys', 'i_code_review_user_apply_suggestion', '--definitions', 'config', '--date', '2021-01-03');
  assert.equal(code, 0);
  assert.deepEqual(lines(out), [
    '{event_counters}_i_code_review_user_apply_suggestion',
    '{event_counters}_i_code_review_user_apply_suggestion-2020-53',
    '{hll_counters}_i_code_review_user_apply_suggestion-user-2020-53',
  ]);
});

test('keys includes filtered, unique-by-property and sum counters when their properties are given', () => {
  const pull = run('keys', 'pull_package', '--definitions', 'config', '--date', '2024-12-30',
    '--property', 'label=rubygems', '--property', 'property=deploy_token');
  assert.equal(pull.code, 0);
  assert.deepEqual(lines(pull.out), [
    '{event_counters}_pull_package',
    '{event_counters}_pull_package-2025-01',
    '{event_counters}_pull_package-filter:[label:rubygems,property:deploy_token]',
    '{event_counters}_pull_package-filter:[label:rubygems,property:deploy_token]-2025-01',
    '{hll_counters}_pull_package-filter:[label:rubygems]-user-2025-01',
    '{hll_counters}_pull_package-namespace-2025-01',
    '{hll_counters}_pull_package-project-2025-01',
    '{hll_counters}_pull_package-user-2025-01',
  ]);
  const adoption = run('keys', 'i_analytics_dev_ops_adoption', '--definitions', 'config', '--date', '2026-12-31', '--property', 'value=2.5');
  assert.ok(lines(adoption.out).includes('{event_sums}_i_analytics_dev_ops_adoption-operator:sum(value)-2026-53'));
  assert.ok(lines(adoption.out).includes('{event_sums}_i_analytics_dev_ops_adoption-operator:sum(value)'));
});

test('keys explains bad input in one line', () => {
  const unknown = run('keys', 'no_such_event', '--definitions', 'config');
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /unknown event 'no_such_event'/);
  const badDate = run('keys', 'pull_package', '--definitions', 'config', '--date', '2021-02-30');
  assert.equal(badDate.code, 2);
  assert.match(badDate.err, /--date 2021-02-30 is not a date/);
  const badValue = run('keys', 'pull_package', '--definitions', 'config', '--property', 'value=lots');
  assert.equal(badValue.code, 2);
  assert.match(badValue.err, /value must be a number/);
  assert.equal(lines(badValue.err).length, 1);
});

test('options also come from the environment', () => {
  const result = spawnSync(binary, ['keys', 'pull_package'], {
    cwd: root, encoding: 'utf8', env: { ...process.env, INTERNAL_EVENTS_DEFINITIONS: 'config', INTERNAL_EVENTS_DATE: '2025-02-12' },
  });
  assert.equal(result.status, 0);
  assert.ok(result.stdout.includes('{event_counters}_pull_package-2025-07'));
});

test("definitions check accepts GitLab's corpus with a summary", () => {
  const { code, out, err } = run('definitions', 'check', corpus);
  assert.equal(code, 0, err);
  assert.match(out, /42 events, 52 metrics \(from 42 event files and 28 metric files\), 0 errors/);
});

test('definitions check names the file and field of a broken YAML file, exit 1', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'ie-defs-'));
  try {
    mkdirSync(path.join(folder, 'events'));
    mkdirSync(path.join(folder, 'metrics'));
    writeFileSync(path.join(folder, 'events', 'ok.yml'), 'action: ok\n');
    writeFileSync(path.join(folder, 'events', 'broken.yml'), 'action: [ok\n');
    writeFileSync(path.join(folder, 'metrics', 'm.yml'), 'key_path: a\ntime_frame: 9d\ndata_source: internal_events\nevents: [{name: ok}]\n');
    const { code, out, err } = run('definitions', 'check', folder);
    assert.equal(code, 1);
    assert.match(err, new RegExp(`${path.join(folder, 'events', 'broken.yml')}: \\(file\\): invalid YAML at line \\d+`));
    assert.match(err, new RegExp(`${path.join(folder, 'metrics', 'm.yml')}: time_frame: must be 7d, 28d or all`));
    assert.match(out, /2 errors/);
  } finally {
    rmSync(folder, { recursive: true });
  }
});

test('definitions bundle prints the browser JSON', () => {
  const { code, out } = run('definitions', 'bundle', 'config');
  assert.equal(code, 0);
  const bundle = JSON.parse(out);
  assert.deepEqual(bundle.events.i_analytics_dev_ops_adoption, { identifiers: ['namespace', 'user'], additional_properties: ['label', 'value'] });
});

test('every command answers --help, unknown commands and options are usage errors', () => {
  for (const command of [[], ['definitions'], ['keys'], ['hll'], ['hll', 'build'], ['hll', 'count'], ['serve'], ['track'], ['metrics'], ['export'], ['token']]) {
    const { code, out } = run(...command, '--help');
    assert.equal(code, 0, command.join(' '));
    assert.match(out, /usage: internal-events/, command.join(' '));
  }
  assert.equal(run('frobnicate').code, 2);
  assert.equal(run('keys', 'x', '--frob', '1').code, 2);
});

test('track counts into a store and metrics reports it, as text and as JSON', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'ie-track-'));
  const store = `sqlite:${path.join(folder, 'counters.sqlite3')}`;
  try {
    for (const user of ['1', '2', '1']) {
      const tracked = run('track', 'i_code_review_user_apply_suggestion', '--user', user, '--project', '7',
        '--store', store, '--definitions', 'config', '--date', '2020-12-31');
      assert.equal(tracked.code, 0, tracked.err);
    }
    const wrong = run('track', 'pull_package', '--property', 'label=npm', '--property', 'value=x', '--store', store);
    assert.equal(wrong.code, 2);
    const undeclared = run('track', 'pull_package', '--property', 'colour=red', '--store', store);
    assert.equal(undeclared.code, 1);
    assert.match(undeclared.err, /colour is not declared/);

    // 2021-01-06 is in 2021-W01: the 7d metrics read 2020-W53, when the events happened.
    const text = run('metrics', '--store', store, '--definitions', 'config', '--date', '2021-01-06');
    assert.equal(text.code, 0, text.err);
    assert.ok(lines(text.out).includes('redis_hll_counters.code_review.i_code_review_user_apply_suggestion_weekly 2'));
    assert.ok(lines(text.out).includes('counts.count_total_i_code_review_user_apply_suggestion 3'));
    const report = JSON.parse(run('metrics', '--store', store, '--definitions', 'config', '--date', '2021-01-06', '--json').out);
    assert.equal(report.redis_hll_counters.code_review.i_code_review_user_apply_suggestion_monthly, 2);
    assert.equal(report.counts.count_total_i_code_review_user_apply_suggestion_weekly, 3);
  } finally {
    rmSync(folder, { recursive: true });
  }
});
