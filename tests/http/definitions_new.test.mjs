// `internal-events definitions new`, GitLab's generator: run with every flag it writes files that
// `definitions check` accepts and that a real receiver then tracks and counts through the new
// metrics; it refuses an existing or malformed name (and a missing flag without a terminal) in
// one line, writing nothing; and it asks its questions in a pseudo-terminal (python3's pty).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { answer, binary, metric, post, root, startReceiver, stop, tempDir } from './receiver.mjs';

function run(args, options = {}) {
  const result = spawnSync(binary, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

// A copy of the demo's definitions, so the new event sits beside real ones.
function definitionsCopy(t) {
  const dir = path.join(tempDir(t), 'config');
  cpSync(path.join(root, 'config'), dir, { recursive: true });
  return dir;
}

function files(dir) {
  return readdirSync(dir, { recursive: true }).filter((name) => name.endsWith('.yml')).sort();
}

const PUBLISH_FLAGS = [
  '--description', 'A package was published to the registry',
  '--action', 'publish_package',
  '--identifiers', 'user,project',
  '--label-description', 'The package format (npm, maven, …)',
  '--custom', 'version_count:number:Versions the package has: 1 for a new one',
  '--required', 'label',
  '--product-group', 'package_registry',
  '--tiers', 'free,premium,ultimate',
  '--metric', 'unique_users_7d:label=npm|maven,total_all',
  '--metric', 'unique_labels_28d',
  '--yes',
];

// A date in the week after this one: its 7d metrics read this week, which today's events are in.
function nextWeek() {
  return new Date(Date.now() + 7 * 86400000).toISOString().slice(0, 10);
}

test('with every flag, new writes GitLab-format files that check accepts and the receiver counts', async (t) => {
  const dir = definitionsCopy(t);
  const { code, out, err } = run(['definitions', 'new', dir, ...PUBLISH_FLAGS]);
  assert.equal(code, 0, err);
  assert.equal(err, '');
  const written = [
    'events/publish_package.yml',
    'metrics/counts_7d/count_distinct_user_id_from_publish_package_label_npm_or_maven_weekly.yml',
    'metrics/counts_all/count_total_publish_package.yml',
    'metrics/counts_28d/count_distinct_label_from_publish_package_monthly.yml',
  ];
  for (const file of written) assert.match(out, new RegExp(`^created ${path.join(dir, file)}$`, 'm'));
  assert.match(out, / 0 errors$/m, 'it runs definitions check on the folder');
  assert.match(out, /ie::events::publish_package\(tracker, \{\.user = user_id, \.project = project_id\}, \{\.label = "example", \.version_count = 1\}\);/);
  assert.match(out, /InternalEvents\.track_event\('publish_package', \{ label: 'example', version_count: 1 \}\);/);
  assert.match(out, /this\.trackEvent\('publish_package'/);
  assert.match(out, /<button data-event-tracking="publish_package" data-event-label="example" data-event-additional='\{"version_count":1\}'>/);

  const event = readFileSync(path.join(dir, written[0]), 'utf8');
  assert.match(event, /^action: publish_package$/m);
  assert.match(event, /^  label:\n    description: The package format \(npm, maven, …\)\n    required: true$/m);
  assert.match(event, /^  version_count:\n    description: "Versions the package has: 1 for a new one"\n    type: number$/m);
  const filtered = readFileSync(path.join(dir, written[1]), 'utf8');
  assert.match(filtered, /^key_path: redis_hll_counters\.count_distinct_user_id_from_publish_package_label_npm_or_maven_weekly$/m);
  assert.match(filtered, /^- name: publish_package\n  unique: user\.id\n  filter:\n    label: npm\n- name: publish_package\n  unique: user\.id\n  filter:\n    label: maven$/m);

  assert.equal(run(['definitions', 'check', dir]).code, 0);

  const receiver = await startReceiver(['--definitions', dir, '--store', `sqlite:${path.join(path.dirname(dir), 'x.sqlite3')}`], { dir });
  t.after(() => stop(receiver));
  const events = [
    { event: 'publish_package', user_id: 1, project_id: 7, additional_properties: { label: 'npm', version_count: 1 } },
    { event: 'publish_package', user_id: 2, project_id: 7, additional_properties: { label: 'maven' } },
    { event: 'publish_package', user_id: 2, project_id: 8, additional_properties: { label: 'maven' } },
    { event: 'publish_package', user_id: 3, project_id: 7, additional_properties: { label: 'rubygems' } },
  ];
  const { json } = await answer(await post(receiver, 'track_events', { events }));
  assert.deepEqual(json, { accepted: 4, rejected: [] });
  const value = async (key_path) => (await metric(receiver, { key_path, date: nextWeek() })).json.value;
  assert.equal(await value('redis_hll_counters.count_distinct_user_id_from_publish_package_label_npm_or_maven_weekly'), 2);
  assert.equal(await value('counts.count_total_publish_package'), 4);
  assert.equal(await value('redis_hll_counters.count_distinct_label_from_publish_package_monthly'), 3);
});

test('an existing or malformed name is refused in one line, and nothing is written', (t) => {
  const dir = definitionsCopy(t);
  const before = files(dir);
  const withAction = (action) => PUBLISH_FLAGS.map((flag, i) => (PUBLISH_FLAGS[i - 1] === '--action' ? action : flag));

  const existing = run(['definitions', 'new', dir, ...withAction('pull_package')]);
  assert.equal(existing.code, 1);
  assert.equal(existing.err, `internal-events definitions: the event 'pull_package' is already defined in ${path.join(dir, 'events/pull_package.yml')}\n`);

  const malformed = run(['definitions', 'new', dir, ...withAction('Publish-Package')]);
  assert.equal(malformed.code, 2);
  assert.equal(malformed.err, "internal-events definitions: --action: the event name 'Publish-Package' must match ^[a-z0-9_]+$ (lowercase letters, digits, underscores) (try --help)\n");

  // Without a terminal, a question without its flag is not asked but named.
  const missing = run(['definitions', 'new', dir, ...PUBLISH_FLAGS.filter((flag, i) => flag !== '--tiers' && PUBLISH_FLAGS[i - 1] !== '--tiers')]);
  assert.equal(missing.code, 2);
  assert.equal(missing.err, 'internal-events definitions: missing --tiers (stdin is not a terminal to ask on) (try --help)\n');

  const unknownMetric = run(['definitions', 'new', dir, ...PUBLISH_FLAGS, '--metric', 'unique_namespaces_7d']);
  assert.equal(unknownMetric.code, 2);
  assert.match(unknownMetric.err, /^internal-events definitions: --metric: 'unique_namespaces_7d' is not a metric this event can have: unique_users_7d, .*\(try --help\)\n$/);

  assert.deepEqual(files(dir), before);
});

// Drives the command in a pseudo-terminal: waits for each prompt, then types its answer.
const PTY_DRIVER = String.raw`
import json, os, pty, select, sys, time
binary, args, steps = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
pid, fd = pty.fork()
if pid == 0:
    os.execv(binary, [binary] + args)
output, seen = b'', 0
def read_some(deadline):
    global output
    while time.time() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                return False
            if not chunk:
                return False
            output += chunk
            return True
    return True
for expected, typed in steps:
    deadline = time.time() + 10
    while expected.encode() not in output[seen:]:
        if time.time() > deadline or not read_some(deadline):
            sys.stdout.write(output.decode(errors='replace'))
            sys.exit('no prompt %r' % expected)
    seen = output.index(expected.encode(), seen) + len(expected)
    os.write(fd, (typed + '\n').encode())
while read_some(time.time() + 10):
    pass
_, status = os.waitpid(pid, 0)
sys.stdout.write(output.decode(errors='replace'))
sys.exit(os.waitstatus_to_exitcode(status))
`;

test('at a terminal it asks every question, again after a refused answer', (t) => {
  const dir = definitionsCopy(t);
  const steps = [
    ['Describe what the event tracks', 'A user opened the settings page'],
    ['Event name', 'Open Settings'],  // refused, and asked again
    ['Event name', 'pull_package'],   // defined already: asked again
    ['Event name', 'open_settings'],
    ['Identifiers known when it happens', 'user,namespace'],
    ['Does it carry a label', 'The tab opened first'],
    ['Does it carry a property', ''],
    ['Does it carry a value', ''],
    ['A custom property as NAME:TYPE:DESCRIPTION', 'from_search:boolean:Whether search led there'],
    ['A custom property as NAME:TYPE:DESCRIPTION', ''],
    ['must every call carry?', 'none'],
    ['Product group that owns it', 'settings'],
    ['Tiers it is recorded on', ''],  // the default: all three
    ['Metrics to create', '1, total_all:from_search=true'],
    ['Write these 3 files? (y/n) [y]', 'y'],
  ];
  const result = spawnSync('python3', ['-c', PTY_DRIVER, binary, JSON.stringify(['definitions', 'new', dir]), JSON.stringify(steps)],
    { cwd: root, encoding: 'utf8' });
  assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
  const screen = result.stdout;
  assert.match(screen, /must match \^\[a-z0-9_\]\+\$/, 'the malformed name was refused at the prompt');
  assert.match(screen, /the event 'pull_package' is already defined in /);
  assert.match(screen, / 1\) unique_users_7d +Weekly count of unique users who triggered open_settings/, 'the menu lists the options');
  assert.match(screen, /created .*count_total_open_settings_from_search_true\.yml/);
  assert.match(screen, / 0 errors/);
  assert.ok(existsSync(path.join(dir, 'events/open_settings.yml')));
  const event = readFileSync(path.join(dir, 'events/open_settings.yml'), 'utf8');
  assert.match(event, /^identifiers:\n- namespace\n- user\n/m);
  assert.match(event, /^  from_search:\n    description: Whether search led there\n    type: boolean$/m);
  assert.match(event, /^tiers:\n- free\n- premium\n- ultimate\n$/m);
  assert.ok(existsSync(path.join(dir, 'metrics/counts_7d/count_distinct_user_id_from_open_settings_weekly.yml')));
  assert.equal(run(['definitions', 'check', dir]).code, 0);
});
