// internal-events monitor (#19, point 2): in a pseudo-terminal (tests/support/pty_run.py) it
// shows a tracked event within a second, with the metrics it moved highlighted, and q, Ctrl-C and
// SIGTERM put the terminal back; piped it prints plain lines; a receiver that is not there is one
// line and exit 1, one that goes away is reconnected to on screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';

import { SUGGESTION, binary, freePort, post, receiverFor, root, sqliteArgs, startReceiver, stop, tempDir, writeSecret } from './receiver.mjs';

const ptyRun = path.join(root, 'tests/support/pty_run.py');
const WEEKLY = 'counts.count_total_pull_package_rubygems_by_deploy_token_weekly';
const HIGHLIGHT = '\x1b[1;31m';
const LEAVE_SCREEN = '\x1b[?1049l';
const SHOW_CURSOR = '\x1b[?25h';

// eslint-disable-next-line no-control-regex
const plain = (text) => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

// The monitor, in a terminal of `rows` x `columns` or with its output piped.
function startMonitor(args, { terminal = false, rows = 40, columns = 200, env = {} } = {}) {
  const command = terminal ? ['python3', [ptyRun, String(rows), String(columns), binary, 'monitor', ...args]] : [binary, ['monitor', ...args]];
  const child = spawn(command[0], command[1], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  let errors = '';
  const waiters = new Set();
  const wake = () => { for (const waiter of [...waiters]) waiter(); };
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk) => { output += chunk; wake(); });
  child.stderr.on('data', (chunk) => { errors += chunk; wake(); });
  // The pty helper reports the monitor's pid and, at the end, its exit code and the terminal's mode.
  const reports = () => errors.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => {
    const end = reports().find((r) => 'exit' in r);
    resolve(terminal ? { code: end?.exit, termiosRestored: end?.termios_restored } : { code, signal });
  }));
  const monitor = {
    output: () => output,
    errors: () => errors,
    exited,
    type: (keys) => child.stdin.write(keys),
    // The monitor's own pid (inside the pty helper in a terminal).
    pid: () => (terminal ? reports().find((r) => 'pid' in r).pid : child.pid),
    // Resolves with the output once `predicate(output)` holds; rejects after timeoutMs.
    until(predicate, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!predicate(output)) return;
          waiters.delete(check); clearTimeout(timer); resolve(output);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the monitor did not get there within ${timeoutMs} ms:\n${plain(output).slice(-3000)}\nstderr: ${errors}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    stop() { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); },
  };
  return monitor;
}

// The monitor only sees events tracked once it listens: wait until the receiver counts it.
async function listening(receiver, count = 1, headers = {}) {
  for (let i = 0; i < 200; i += 1) {
    const metrics = await (await fetch(`${receiver.url}/-/metrics`, { headers })).text();
    if (new RegExp(`^internal_events_event_stream_listeners ${count}$`, 'm').test(metrics)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no ${count} listener(s) on the receiver's event stream`);
}

const pull = (user, extra = {}) => ({
  event: 'pull_package', user_id: user, project_id: 3, additional_properties: { label: 'rubygems', property: 'deploy_token', ...extra },
});

test('in a terminal: a tracked event shows within a second, the metrics it moved highlighted; filtered; q restores the terminal', async (t) => {
  const receiver = await receiverFor(t);
  const monitor = startMonitor(['pull_package', '--url', receiver.url], { terminal: true });
  t.after(() => monitor.stop());
  await monitor.until((out) => plain(out).includes('RELEVANT METRICS') && plain(out).includes(WEEKLY));
  await listening(receiver);

  assert.equal((await post(receiver, 'track_event', { event: SUGGESTION, user_id: 777, project_id: 3 })).status, 200);
  const before = monitor.output().length;
  const tracked = Date.now();
  assert.equal((await post(receiver, 'track_event', pull(4242, { value: 3, package_version_count: 12 }))).status, 200);
  await monitor.until((out) => plain(out.slice(before)).includes('user=4242'), 1000);
  const shownAfter = Date.now() - tracked;
  assert.ok(shownAfter < 1000, `shown after ${shownAfter} ms`);
  // The metrics are read again as the event arrives: the weekly one moved from 0 to 1, highlighted.
  await monitor.until((out) => out.slice(before).includes(`${HIGHLIGHT}${WEEKLY}`), 1000);
  const screen = plain(monitor.output().slice(before));
  assert.match(screen, /rubygems\s+deploy_token\s+3\s+package_version_count=12\s+no collector/);
  assert.ok(!plain(monitor.output()).includes('user=777'), 'an event outside the filter was shown');
  assert.ok(!plain(monitor.output()).includes(SUGGESTION), 'a metric outside the filter was shown');

  const drawn = monitor.output().length;
  monitor.type('q');
  const { code, termiosRestored } = await monitor.exited;
  assert.equal(code, 0);
  assert.equal(termiosRestored, true);
  const end = monitor.output().slice(drawn);
  assert.ok(end.includes(LEAVE_SCREEN) && end.includes(SHOW_CURSOR), JSON.stringify(end));
});

test('in a terminal: r resets the start values, p holds events until it is pressed again', async (t) => {
  const receiver = await receiverFor(t);
  const monitor = startMonitor(['pull_package', '--url', receiver.url], { terminal: true });
  t.after(() => monitor.stop());
  await monitor.until((out) => plain(out).includes(WEEKLY));
  await listening(receiver);
  await post(receiver, 'track_event', pull(1));
  await monitor.until((out) => out.includes(`${HIGHLIGHT}${WEEKLY}`));

  let mark = monitor.output().length;
  monitor.type('r');
  await monitor.until((out) => new RegExp(`${WEEKLY}\\s+7d\\s+pull_package\\s+1\\s+1`).test(plain(out.slice(mark))));
  assert.ok(!monitor.output().slice(mark).includes(`${HIGHLIGHT}${WEEKLY}`));

  monitor.type('p');
  await monitor.until((out) => plain(out).includes('PAUSED'));
  mark = monitor.output().length;
  await post(receiver, 'track_event', pull(2));
  await monitor.until((out) => plain(out.slice(mark)).includes('PAUSED, 1 event held'));
  assert.ok(!plain(monitor.output().slice(mark)).includes('user=2 '));
  monitor.type('p');
  await monitor.until((out) => plain(out.slice(mark)).includes('user=2 project=3'));
  monitor.type('q');
  assert.equal((await monitor.exited).code, 0);
});

test('in a terminal: Ctrl-C and SIGTERM put the terminal back too', async (t) => {
  const receiver = await receiverFor(t);
  for (const how of ['ctrl-c', 'SIGTERM']) {
    const monitor = startMonitor(['--url', receiver.url], { terminal: true });
    t.after(() => monitor.stop());
    await monitor.until((out) => plain(out).includes('RELEVANT METRICS'));
    const drawn = monitor.output().length;
    if (how === 'ctrl-c') monitor.type('\x03');
    else process.kill(monitor.pid(), 'SIGTERM');
    const { code, termiosRestored } = await monitor.exited;
    assert.equal(code, 0, how);
    assert.equal(termiosRestored, true, how);
    assert.ok(monitor.output().slice(drawn).includes(LEAVE_SCREEN), how);
  }
});

test('piped: one plain line per event and per changed metric, no escape codes, only the events asked for', async (t) => {
  const receiver = await receiverFor(t);
  const monitor = startMonitor(['pull_package', '--url', receiver.url]);
  t.after(() => monitor.stop());
  await listening(receiver);
  await post(receiver, 'track_event', { event: SUGGESTION, user_id: 777, project_id: 3 });
  await post(receiver, 'track_event', pull(5, { value: 2 }));
  await monitor.until((out) => out.includes(`metric ${WEEKLY} 7d 0 -> 1\n`));
  process.kill(monitor.pid(), 'SIGTERM');
  assert.equal((await monitor.exited).code, 0);

  const lines = monitor.output().trimEnd().split('\n');
  assert.ok(!monitor.output().includes('\x1b'), 'an escape code in piped output');
  assert.match(lines[0], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z pull_package source=browser category=InternalEventTracking user=5 project=3 label=rubygems property=deploy_token value=2 snowplow="no collector"$/);
  assert.ok(lines.slice(1).every((line) => /^metric \S+ (7d|28d|all) \d+ -> \d+$/.test(line)), lines.join('\n'));
  assert.ok(lines.includes(`metric ${WEEKLY} 7d 0 -> 1`));
  assert.ok(!monitor.output().includes(SUGGESTION));
  assert.equal(monitor.errors(), '');
});

test('piped: a monitor that fell behind says how many events it did not show', async (t) => {
  const receiver = await receiverFor(t, ['--idle-timeout', '60']);
  const monitor = startMonitor(['pull_package', '--url', receiver.url]);
  t.after(() => monitor.stop());
  await listening(receiver);
  process.kill(monitor.pid(), 'SIGSTOP');
  try {
    // Far more than the kernel's buffers and the listener's bound of 500 messages hold.
    for (let batch = 0; batch < 10; batch += 1) {
      const events = Array.from({ length: 1000 }, (_, i) => pull(batch * 1000 + i + 1, { label: 'x'.repeat(400) }));
      assert.equal((await post(receiver, 'track_events', { events })).status, 200);
    }
  } finally {
    process.kill(monitor.pid(), 'SIGCONT');
  }
  await monitor.until((out) => /^\d+ events not shown: the monitor fell behind$/m.test(out), 15000);
  process.kill(monitor.pid(), 'SIGTERM');
  assert.equal((await monitor.exited).code, 0);
});

test('a receiver that is not there: one clear line and exit 1, piped or in a terminal', async () => {
  const url = `http://127.0.0.1:${await freePort()}`;
  const expected = `internal-events monitor: no receiver at ${url} (connecting: connection refused)`;
  const piped = startMonitor(['--url', url]);
  assert.equal((await piped.exited).code, 1);
  assert.equal(piped.errors(), `${expected}\n`);
  assert.equal(piped.output(), '');

  const inTerminal = startMonitor(['--url', url], { terminal: true });
  const { code, termiosRestored } = await inTerminal.exited;
  assert.equal(code, 1);
  assert.equal(termiosRestored, true);
  assert.equal(inTerminal.output().trim(), expected);  // the screen never switched
});

test('a receiver that goes away: piped, one line and exit 1; in a terminal, said on screen until it is back', async (t) => {
  const dir = tempDir(t);
  const port = await freePort();
  const args = [...sqliteArgs(dir), '--listen', `127.0.0.1:${port}`];
  let receiver = await startReceiver(args, { dir });
  t.after(() => stop(receiver));
  const piped = startMonitor(['--url', receiver.url]);
  const inTerminal = startMonitor(['--url', receiver.url], { terminal: true, columns: 220 });
  t.after(() => { piped.stop(); inTerminal.stop(); });
  await listening(receiver, 2);

  await stop(receiver);
  assert.equal((await piped.exited).code, 1);
  assert.equal(piped.errors(), `internal-events monitor: the receiver at ${receiver.url} closed the event stream\n`);
  await inTerminal.until((out) => /reconnecting every second \(attempt \d+\)/.test(plain(out)));
  assert.match(plain(inTerminal.output()), /no receiver at http:\/\/127\.0\.0\.1:\d+ \(connecting: connection refused\)/);

  receiver = await startReceiver(args, { dir });
  const back = inTerminal.output().length;
  await inTerminal.until((out) => plain(out.slice(back)).includes('connected · updated'), 5000);
  await listening(receiver);
  await post(receiver, 'track_event', pull(31337));
  await inTerminal.until((out) => plain(out.slice(back)).includes('user=31337'));
  inTerminal.type('q');
  const { code, termiosRestored } = await inTerminal.exited;
  assert.equal(code, 0);
  assert.equal(termiosRestored, true);
});

test('the api token: without it one line naming the refusal, with it the events', async (t) => {
  const dir = tempDir(t);
  const tokenFile = writeSecret(dir, 'api-token', 'monitor-reader-token');
  const receiver = await startReceiver([...sqliteArgs(dir), '--api-token-file', tokenFile], { dir });
  t.after(() => stop(receiver));

  const refused = startMonitor(['--url', receiver.url]);
  assert.equal((await refused.exited).code, 1);
  assert.match(refused.errors(), /^internal-events monitor: the receiver at http:\S+ answered 401 to GET \/-\/monitor\/metrics: .*api token.*\n$/);

  const monitor = startMonitor(['pull_package', '--url', receiver.url, '--api-token-file', tokenFile]);
  t.after(() => monitor.stop());
  const headers = { Authorization: 'Bearer monitor-reader-token' };
  await listening(receiver, 1, headers);
  assert.equal((await post(receiver, 'track_event', pull(9), { headers })).status, 200);
  await monitor.until((out) => out.includes(' pull_package source=backend'));
  process.kill(monitor.pid(), 'SIGTERM');
  assert.equal((await monitor.exited).code, 0);
});

test('an unknown event name is refused with the nearest one', async (t) => {
  const receiver = await receiverFor(t);
  const monitor = startMonitor(['pull_pakage', '--url', receiver.url]);
  assert.equal((await monitor.exited).code, 1);
  assert.match(monitor.errors(), /answered 404 to GET \/-\/monitor\/metrics: unknown event 'pull_pakage'; did you mean 'pull_package'\?\n$/);
});
