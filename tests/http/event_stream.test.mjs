// GET /-/events (#19, point 1): every accepted event, after its commit, with its counter keys and
// its Snowplow payload decoded and pseudonymised; the api token guards it; a listener that stalls
// loses its own oldest messages and is told so, while tracking goes on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';

import { SUGGESTION, post, receiverFor, startReceiver, sqliteArgs, stop, tempDir, writeSecret } from './receiver.mjs';
import { openEventStream } from './event_stream_reader.mjs';
import { startCollectorSink } from '../support/collector_sink.mjs';

const tracked = (messages) => messages.filter((m) => m.event === 'tracked');

test('a listener sees each accepted event with its keys and its Snowplow payload, pseudonymised, as it would be sent', async (t) => {
  const receiver = await receiverFor(t);
  const stream = await openEventStream(receiver);
  t.after(() => stream.close());
  assert.equal(stream.status, 200);
  assert.match(stream.headers['content-type'], /^text\/event-stream/);

  const response = await post(receiver, 'track_events', {
    events: [
      { event: 'pull_package', user_id: 5, project_id: 3, namespace_id: 9, additional_properties: { label: 'npm', value: 2 } },
      { event: 'no_such_event', user_id: 5 },
      { event: SUGGESTION, user_id: 6, project_id: 3, eid: '00000000-0000-4000-8000-000000000001' },
    ],
  });
  assert.equal(response.status, 200);
  const [pull, suggestion] = tracked(await stream.until((m) => tracked(m).length >= 2));

  assert.equal(pull.data.name, 'pull_package');
  assert.equal(pull.data.source, 'browser');
  assert.equal(pull.data.counted, true);
  assert.deepEqual(pull.data.identifiers, { user: 5, project: 3, namespace: 9 });
  assert.deepEqual(pull.data.properties, { label: 'npm', value: 2 });
  assert.ok(pull.data.keys.some((key) => /^\{hll_counters\}_pull_package-namespace-\d{4}-\d\d$/.test(key)), pull.data.keys.join(' '));
  assert.ok(pull.data.keys.includes('{event_counters}_pull_package'), pull.data.keys.join(' '));
  assert.equal(pull.data.snowplow.queued, false);  // no collector: shown as it would be sent
  const payload = pull.data.snowplow.payload;
  assert.equal(payload.e, 'se');
  assert.equal(payload.se_ac, 'pull_package');
  assert.equal(payload.se_la, 'npm');
  assert.equal(payload.cx, undefined);
  const standard = payload.contexts.data.find((c) => c.schema.startsWith('iglu:com.gitlab/gitlab_standard/'));
  assert.match(standard.data.user_id, /^[A-Za-z0-9+/]{43}=$/);  // the pseudonym, never 5
  assert.equal(standard.data.project_id, 3);

  assert.equal(suggestion.data.name, SUGGESTION);
  assert.equal(suggestion.data.event_id, '00000000-0000-4000-8000-000000000001');
  assert.ok(Number(suggestion.id) > Number(pull.id));
  assert.ok(tracked(stream.messages).every((m) => m.data.name !== 'no_such_event'));
});

test('with a collector the payload is the very copy queued for it; ?event= keeps only the events asked for', async (t) => {
  const sink = await startCollectorSink();
  t.after(() => sink.close());
  const receiver = await receiverFor(t, ['--collector', sink.url]);
  const stream = await openEventStream(receiver, { query: '?event=pull_package' });
  t.after(() => stream.close());
  await post(receiver, 'track_event', { event: SUGGESTION, user_id: 1, project_id: 2 });  // filtered out
  await post(receiver, 'track_event', { event: 'pull_package', user_id: 1, project_id: 2, namespace_id: 3 });
  const [message] = tracked(await stream.until((m) => tracked(m).length >= 1));
  assert.equal(message.data.name, 'pull_package');
  assert.equal(message.data.snowplow.queued, true);
  const sent = (await sink.waitFor(2)).find((event) => event.se_ac === 'pull_package');
  assert.equal(sent.eid, message.data.snowplow.payload.eid);  // the very copy the collector got
  assert.equal(tracked(stream.messages).length, 1);
});

test('the stream needs the api token when one is set, in the header or as ?token=', async (t) => {
  const dir = tempDir(t);
  const tokenFile = writeSecret(dir, 'api-token', 'stream-reader-token');
  const receiver = await startReceiver([...sqliteArgs(dir), '--api-token-file', tokenFile], { dir });
  t.after(() => stop(receiver));
  const refused = await fetch(`${receiver.url}/-/events`);
  assert.equal(refused.status, 401);
  assert.match((await refused.json()).error, /api token/);
  assert.equal((await fetch(`${receiver.url}/-/events?token=wrong`)).status, 401);

  const byHeader = await openEventStream(receiver, { headers: { Authorization: 'Bearer stream-reader-token' } });
  const byQuery = await openEventStream(receiver, { query: '?token=stream-reader-token' });
  t.after(() => { byHeader.close(); byQuery.close(); });
  assert.equal(byHeader.status, 200);
  assert.equal(byQuery.status, 200);
  const headers = { Authorization: 'Bearer stream-reader-token' };
  assert.equal((await post(receiver, 'track_event', { event: SUGGESTION, user_id: 1, project_id: 2 }, { headers })).status, 200);
  await byHeader.until((m) => tracked(m).length === 1);
  await byQuery.until((m) => tracked(m).length === 1);
});

// A client that asks for the stream and never reads: the kernel's buffers fill, then its listener's.
function stalledListener(receiver) {
  const { hostname, port } = new URL(receiver.url);
  const socket = net.connect({ host: hostname, port: Number(port) });
  socket.on('connect', () => { socket.write('GET /-/events HTTP/1.1\r\nHost: x\r\n\r\n'); socket.pause(); });
  socket.on('error', () => {});
  return socket;
}

test('a stalled listener does not hold up tracking or other listeners; it loses its oldest messages and is told', async (t) => {
  const receiver = await receiverFor(t, ['--idle-timeout', '60']);
  const stalled = stalledListener(receiver);
  t.after(() => stalled.destroy());
  const reading = await openEventStream(receiver);
  t.after(() => reading.close());

  // 20 000 events with a long custom property: far more than the kernel's buffers and the
  // listener's bound of 500 messages hold.
  const padding = 'x'.repeat(200);
  for (let batch = 0; batch < 20; batch += 1) {
    const events = Array.from({ length: 1000 }, (_, i) => ({
      event: 'pull_package', user_id: batch * 1000 + i + 1, project_id: 1, namespace_id: 1, additional_properties: { label: padding },
    }));
    const response = await post(receiver, 'track_events', { events });
    assert.equal(response.status, 200);
    assert.equal((await response.json()).accepted, 1000);
  }
  await reading.until((m) => tracked(m).some((message) => message.data.identifiers.user === 20000), 20000);

  // Now the stalled client reads: what it was sent before stalling, then word of what it lost.
  let received = '';
  stalled.on('data', (chunk) => { received += chunk; });
  stalled.resume();
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no 'lost' message: ${received.length} bytes read`)), 10000);
    const check = () => { if (/event: lost\ndata: \{"lost":\d+\}\n\n/.test(received)) { clearTimeout(timer); resolve(); } };
    stalled.on('data', check);
  });
  const lost = Number(received.match(/event: lost\ndata: \{"lost":(\d+)\}/)[1]);
  assert.ok(lost > 0 && lost < 20000, `lost ${lost}`);
  const health = await fetch(`${receiver.url}/-/health`);
  assert.equal(health.status, 200);
});

test('listeners that leave are forgotten; the receiver stops cleanly with one open', async (t) => {
  const dir = tempDir(t);
  const receiver = await startReceiver(sqliteArgs(dir), { dir });
  const leaving = await openEventStream(receiver);
  leaving.close();
  const staying = await openEventStream(receiver);
  await post(receiver, 'track_event', { event: SUGGESTION, user_id: 1, project_id: 2 });
  await staying.until((m) => tracked(m).length === 1);
  const metrics = await (await fetch(`${receiver.url}/-/metrics`)).text();
  assert.match(metrics, /^internal_events_event_stream_listeners 1$/m);
  assert.match(metrics, /^internal_events_event_stream_messages_total 1$/m);
  const ended = staying.text();
  const { code } = await stop(receiver);
  assert.equal(code, 0);
  await ended;  // the stream ends when the receiver stops
});
