// Snowplow forwarding end to end: the real receiver, a local collector sink (tests/support), real
// Snowplow trackers from npm, a real redis-server. Every payload the emitter sends is validated
// against ../shared/schemas with ajv.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import Ajv from 'ajv';
import { buildStructEvent, newTracker } from '@snowplow/node-tracker';

import { startCollectorSink } from '../support/collector_sink.mjs';
import { haveRedis, killRedis, startRedis } from '../support/redis_process.mjs';
import { SUGGESTION, binary, eventId, freePort, post, root, sqliteArgs, startReceiver, stop, tempDir, total } from './receiver.mjs';

const schemas = path.resolve(root, '../shared/schemas/iglu/com.snowplowanalytics.snowplow');
const ajv = new Ajv({ validateSchema: false, allErrors: true, strict: false });
const validPayloadData = ajv.compile(JSON.parse(readFileSync(path.join(schemas, 'payload_data/jsonschema/1-0-4'), 'utf8')));
const validContexts = ajv.compile(JSON.parse(readFileSync(path.join(schemas, 'contexts/jsonschema/1-0-1'), 'utf8')));

const STANDARD_FIELDS = ['environment', 'source', 'correlation_id', 'plan', 'extra', 'user_id', 'global_user_id', 'user_type',
  'is_gitlab_team_member', 'namespace_id', 'ultimate_parent_namespace_id', 'project_id', 'feature_enabled_by_namespace_ids',
  'realm', 'deployment_type', 'instance_id', 'unique_instance_id', 'host_name', 'instance_version', 'context_generated_at'];
const PSEUDONYM = /^[A-Za-z0-9+/]{43}=$/;

const decodeContexts = (event) => JSON.parse(Buffer.from(event.cx, 'base64url').toString('utf8'));
const standardContext = (event) => decodeContexts(event).data.find((c) => c.schema.includes('gitlab_standard')).data;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function sinkFor(t, options) {
  const sink = await startCollectorSink(options);
  t.after(() => sink.close());
  return sink;
}

async function forwardingReceiver(t, sink, extraArgs = [], dir = tempDir(t)) {
  const receiver = await startReceiver([...sqliteArgs(dir), '--collector', sink.url, '--collector-timeout', '1', ...extraArgs], { dir });
  t.after(() => stop(receiver));
  return receiver;
}

const suggestion = (n, extra = {}) => ({ event: SUGGESTION, user_id: n, project_id: 7, eid: eventId(n), ...extra });

async function trackBatch(receiver, from, count) {
  const events = Array.from({ length: count }, (_, i) => suggestion(from + i));
  const response = await post(receiver, 'track_events', { events });
  assert.equal(response.status, 200);
  assert.equal((await response.json()).accepted, count);
}

function assertEachOnceInOrder(received, from, count) {
  const eids = received.map((event) => event.eid);
  assert.deepEqual(eids, Array.from({ length: count }, (_, i) => eventId(from + i)));
}

function outbox(store, action) {
  return execFileSync(binary, ['outbox', action, '--store', store], { encoding: 'utf8' });
}

test('every payload validates against payload_data 1-0-4 and contexts 1-0-1, with the full standard context', async (t) => {
  const sink = await sinkFor(t);
  const receiver = await forwardingReceiver(t, sink);
  assert.match(receiver.output(), /Snowplow forwarding: to http:\/\/127\.0\.0\.1:\d+\/com\.snowplowanalytics\.snowplow\/tp2/);
  assert.equal((await post(receiver, 'track_event', suggestion(1, { additional_properties: { label: 'diff' } }))).status, 200);
  assert.equal((await post(receiver, 'track_event', { event: 'i_analytics_dev_ops_adoption', user_id: 3, namespace_id: 9, additional_properties: { value: 2.5 } })).status, 200);
  await sink.waitFor(2);
  for (const body of sink.bodies) {
    assert.equal(body.schema, 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4');
    assert.ok(validPayloadData(body.data), JSON.stringify(validPayloadData.errors));
  }
  const [first, second] = sink.received;
  assert.equal(first.e, 'se');
  assert.equal(first.eid, eventId(1));
  assert.equal(first.se_ca, 'InternalEventTracking');
  assert.equal(first.se_ac, SUGGESTION);
  assert.equal(first.se_la, 'diff');
  assert.equal(first.p, 'web');
  assert.equal(first.aid, 'internal-events');
  assert.match(first.stm, /^\d{13}$/);
  assert.match(first.dtm, /^\d{13}$/);
  assert.equal(second.se_va, '2.5');  // a string, as payload_data wants
  for (const event of sink.received) {
    const contexts = decodeContexts(event);
    assert.equal(contexts.schema, 'iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-1');
    assert.ok(validContexts(contexts.data), JSON.stringify(validContexts.errors));
    const standard = standardContext(event);
    assert.deepEqual(Object.keys(standard).sort(), [...STANDARD_FIELDS].sort());
    assert.match(standard.user_id, PSEUDONYM);
    assert.match(standard.global_user_id, PSEUDONYM);
    assert.notEqual(standard.user_id, standard.global_user_id);
    assert.equal(standard.source, 'internal-events-js');
    const ping = contexts.data.find((c) => c.schema === 'iglu:com.gitlab/gitlab_service_ping/jsonschema/1-0-1');
    assert.deepEqual(ping.data, { data_source: 'redis_hll', event_name: event.se_ac });
  }
  assert.equal(standardContext(first).project_id, 7);
  assert.equal(standardContext(second).namespace_id, 9);
  assert.ok(!JSON.stringify(sink.bodies).includes('"user_id":1,'), 'no raw user id leaves the receiver');
});

test('the pseudonym is stable across receivers on one store and differs between stores', async (t) => {
  const sink = await sinkFor(t);
  const dir = tempDir(t);
  const first = await forwardingReceiver(t, sink, [], dir);
  await post(first, 'track_event', suggestion(5));
  await sink.waitFor(1);
  await stop(first);
  const again = await forwardingReceiver(t, sink, [], dir);
  await post(again, 'track_event', suggestion(5, { eid: eventId(6) }));
  const other = await forwardingReceiver(t, sink);
  await post(other, 'track_event', suggestion(5, { eid: eventId(7) }));
  await sink.waitFor(3);
  const byEid = Object.fromEntries(sink.received.map((event) => [event.eid, standardContext(event).user_id]));
  assert.equal(byEid[eventId(5)], byEid[eventId(6)]);
  assert.notEqual(byEid[eventId(5)], byEid[eventId(7)]);
});

test('the real @snowplow/node-tracker sends to tp2: counted, forwarded once, user ids pseudonymised', async (t) => {
  const sink = await sinkFor(t);
  const receiver = await forwardingReceiver(t, sink);
  const port = Number(new URL(receiver.url).port);
  const tracker = newTracker({ namespace: 'node', appId: 'backend' }, { endpoint: '127.0.0.1', port, protocol: 'http', bufferSize: 1 });
  const standard = { schema: 'iglu:com.gitlab/gitlab_standard/jsonschema/1-1-7', data: { user_id: 99, project_id: 3 } };
  tracker.track(buildStructEvent({ category: 'Backend', action: SUGGESTION, label: 'diff' }), [standard]);
  tracker.track(buildStructEvent({ category: 'Backend', action: 'not_an_internal_event', value: 4 }));
  tracker.setUserId('42');
  tracker.track(buildStructEvent({ category: 'Backend', action: SUGGESTION }), [{ ...standard, data: { user_id: 100 } }]);
  await tracker.flush();
  assert.equal(await total(receiver, SUGGESTION), 2);
  const received = await sink.waitFor(3);
  assert.deepEqual(received.map((event) => event.se_ac).sort(), [SUGGESTION, SUGGESTION, 'not_an_internal_event']);
  for (const event of received) {
    assert.equal(event.aid, 'backend');
    if (event.uid) assert.match(event.uid, PSEUDONYM);
    if (event.cx) assert.match(standardContext(event).user_id ?? 'x'.repeat(43) + '=', PSEUDONYM);
  }
  assert.ok(received.some((event) => event.uid), 'setUserId sent a uid');
  const text = JSON.stringify(sink.bodies);
  assert.ok(!/"uid":"42"/.test(text) && !/"user_id":99\b/.test(text), 'raw ids were forwarded');
  // A tracker's retry of the same events changes nothing and forwards nothing again.
  const same = { schema: 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4', data: sink.received.slice(0, 1).map(({ stm, ...event }) => ({ ...event, stm: String(Date.now()) })) };
  const resend = await fetch(`${receiver.url}/com.snowplowanalytics.snowplow/tp2`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(same) });
  assert.equal(resend.status, 200);
  await sleep(500);
  assert.equal(sink.received.length, 3);
  assert.equal(await total(receiver, SUGGESTION), 2);
});

test('GET /i counts and answers a 1x1 GIF; bad payloads are 400 naming what is wrong', async (t) => {
  const sink = await sinkFor(t);
  const receiver = await forwardingReceiver(t, sink);
  const query = new URLSearchParams({ e: 'se', p: 'web', tv: 'js-4', eid: eventId(20), se_ca: 'c', se_ac: SUGGESTION, se_la: 'overview' });
  const pixel = await fetch(`${receiver.url}/i?${query}`);
  assert.equal(pixel.status, 200);
  assert.equal(pixel.headers.get('content-type'), 'image/gif');
  assert.equal(Buffer.from(await pixel.arrayBuffer()).subarray(0, 6).toString(), 'GIF89a');
  assert.equal(await total(receiver, SUGGESTION), 1);
  const tp2 = (body) => fetch(`${receiver.url}/com.snowplowanalytics.snowplow/tp2`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  const cases = [
    ['{"schema":', /malformed JSON at byte/],
    ['{"schema":1e400}', /^malformed JSON: number overflow parsing '1e400'/],  // was 500 (nlohmann's out_of_range)
    ['{}\u0000x', /^malformed JSON at byte 3/],  // nlohmann read it as {}
    // Copying the parsed body recursed once per level: this killed the receiver (SIGSEGV).
    ['{"schema":"x","data":[' + '['.repeat(200000) + ']'.repeat(200000) + ']}', /^malformed JSON at byte 85: the body nests more than 64/],
    [JSON.stringify({ schema: 'iglu:x/y/jsonschema/1-0-0', data: [] }), /schema must be/],
    [JSON.stringify({ schema: 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4', data: [{ e: 'se', p: 'web' }] }), /data\[0\]: the event has no tv/],
    [JSON.stringify({ schema: 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4', data: [{ e: 'se', p: 'web', tv: 't', se_ac: SUGGESTION, se_va: 'many' }] }), /se_va must be a number/],
    [JSON.stringify({ schema: 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4', data: [{ e: 'se', p: 'web', tv: 't', dtm: 5 }] }), /field dtm must be a string/],
    [JSON.stringify({ schema: 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4', data: [{ e: 'pv', p: 'web', tv: 't', cx: '!!' }] }), /cx is not base64/],
  ];
  for (const [body, message] of cases) {
    const response = await tp2(body);
    assert.equal(response.status, 400, body);
    assert.match((await response.json()).error, message);
  }
  const tooMany = { schema: 'iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4', data: Array.from({ length: 1001 }, () => ({ e: 'pv', p: 'web', tv: 't' })) };
  assert.equal((await tp2(JSON.stringify(tooMany))).status, 400);
  assert.equal(await total(receiver, SUGGESTION), 1);
  await sink.waitFor(1);
});

test('a collector answering 500 for a while receives every event once it recovers, in order, none twice', async (t) => {
  const sink = await sinkFor(t);
  sink.setMode({ status: 500, times: 3 });
  const receiver = await forwardingReceiver(t, sink, ['--collector-batch-bytes', '4000']);
  await trackBatch(receiver, 100, 40);
  await sink.waitFor(40);
  await sleep(300);
  assertEachOnceInOrder(sink.received, 100, 40);
  assert.ok(sink.requests >= 3 + sink.bodies.length);
  const metrics = await (await fetch(`${receiver.url}/-/metrics`)).text();
  assert.match(metrics, /^internal_events_snowplow_retries_total [3-9]/m);
  assert.match(metrics, /^internal_events_snowplow_events_sent_total 40$/m);
  assert.match(metrics, /^internal_events_outbox_depth 0$/m);
});

test('a collector answering 400 dead-letters the batch with the reason; retry-dead sends it again', async (t) => {
  const sink = await sinkFor(t);
  sink.setMode({ status: 400, times: 1 });
  const dir = tempDir(t);
  const receiver = await forwardingReceiver(t, sink, [], dir);
  await trackBatch(receiver, 200, 3);
  const store = `sqlite:${path.join(dir, 'x.sqlite3')}`;
  for (let i = 0; i < 100 && !/dead letters: 3/.test(outbox(store, 'status')); i += 1) await sleep(50);
  assert.match(outbox(store, 'status'), /waiting: 0 events[\s\S]*dead letters: 3/);
  const letters = outbox(store, 'dead').trim().split('\n').map((line) => JSON.parse(line));
  assert.equal(letters.length, 3);
  assert.equal(letters[0].status, 400);
  assert.match(letters[0].reason, /^HTTP 400: refused with 400/);
  assert.equal(letters[0].event.eid, eventId(200));
  assert.equal(sink.received.length, 0);
  assert.match(outbox(store, 'retry-dead'), /requeued 3 dead letters/);
  await sink.waitFor(3);
  assertEachOnceInOrder(sink.received, 200, 3);
});

test('a collector that hangs is timed out and retried', async (t) => {
  const sink = await sinkFor(t);
  sink.setMode({ hang: true, times: 1 });
  const receiver = await forwardingReceiver(t, sink);
  const started = Date.now();
  await trackBatch(receiver, 300, 2);
  await sink.waitFor(2);
  assert.ok(Date.now() - started >= 1000, 'the hung request was given its timeout');
  assertEachOnceInOrder(sink.received, 300, 2);
});

test('send nothing without --collector: no copy is queued', async (t) => {
  const dir = tempDir(t);
  const receiver = await startReceiver(sqliteArgs(dir), { dir });
  t.after(() => stop(receiver));
  assert.match(receiver.output(), /Snowplow forwarding: off/);
  await trackBatch(receiver, 400, 5);
  assert.match(outbox(`sqlite:${path.join(dir, 'x.sqlite3')}`, 'status'), /waiting: 0 events/);
});

async function killWithFullOutbox(t, storeArgs, dir) {
  const down = `http://127.0.0.1:${await freePort()}`;  // nothing listens: every POST fails
  const first = await startReceiver([...storeArgs, '--collector', down], { dir });
  await trackBatch(first, 500, 200);
  await trackBatch(first, 700, 200);
  first.child.kill('SIGKILL');
  await first.exited;
  const sink = await sinkFor(t);
  const second = await startReceiver([...storeArgs, '--collector', sink.url], { dir });
  t.after(() => stop(second));
  // SQLite: the dead receiver's lease runs out first (30 s) … unless it never got one; Redis: the
  // entries it never claimed are read at once, what it had claimed after the lease.
  const received = await sink.waitFor(400, 60000);
  await sleep(300);
  assert.equal(new Set(received.map((event) => event.eid)).size, 400);
  assert.equal(received.length, 400);
}

test('SIGKILL with a full outbox, then restart: every entry is delivered (SQLite)', async (t) => {
  const dir = tempDir(t);
  await killWithFullOutbox(t, sqliteArgs(dir), dir);
});

test('SIGKILL with a full outbox, then restart: every entry is delivered (Redis)', { skip: !haveRedis && 'no redis-server' }, async (t) => {
  const dir = tempDir(t);
  const port = await freePort();
  const redis = await startRedis(port, dir);
  t.after(() => killRedis(redis));
  await killWithFullOutbox(t, ['--store', `redis://127.0.0.1:${port}`], dir);
});

test('two receivers on one Redis with one collector: each event is delivered once', { skip: !haveRedis && 'no redis-server' }, async (t) => {
  const dir = tempDir(t);
  const port = await freePort();
  const redis = await startRedis(port, dir);
  t.after(() => killRedis(redis));
  const sink = await sinkFor(t);
  const store = ['--store', `redis://127.0.0.1:${port}`, '--collector', sink.url, '--collector-batch-bytes', '3000'];
  const first = await startReceiver(store, { dir });
  t.after(() => stop(first));
  const second = await startReceiver(store, { dir });
  t.after(() => stop(second));
  await Promise.all(Array.from({ length: 10 }, (_, i) => trackBatch(i % 2 ? first : second, 1000 + i * 50, 50)));
  const received = await sink.waitFor(500);
  await sleep(500);
  assert.equal(received.length, 500);
  assert.equal(new Set(received.map((event) => event.eid)).size, 500);
  const sent = async (receiver) => Number(/^internal_events_snowplow_events_sent_total (\d+)$/m.exec(await (await fetch(`${receiver.url}/-/metrics`)).text())[1]);
  t.diagnostic(`sent by the first receiver: ${await sent(first)}, by the second: ${await sent(second)}`);
});

const haveOpenssl = spawnSync('openssl', ['version']).status === 0;

function certificate(dir, name) {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${name}`,
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { key, cert };
}

test('HTTPS to a collector with a certificate made for the test; a wrong CA is refused', { skip: !haveOpenssl && 'no openssl' }, async (t) => {
  const dir = tempDir(t);
  const trusted = certificate(dir, 'collector');
  const other = certificate(dir, 'someone-else');
  const sink = await sinkFor(t, { tls: { key: readFileSync(trusted.key), cert: readFileSync(trusted.cert) } });

  const refusing = await forwardingReceiver(t, sink, ['--collector-ca-file', other.cert]);
  await trackBatch(refusing, 2000, 2);
  let errors = '';
  for (let i = 0; i < 100 && !/certificate verify failed/.test(errors); i += 1) { await sleep(50); errors = refusing.errors(); }
  assert.match(errors, /certificate verify failed/);
  assert.equal(sink.received.length, 0);
  await stop(refusing);

  const receiver = await forwardingReceiver(t, sink, ['--collector-ca-file', trusted.cert]);
  await trackBatch(receiver, 2100, 2);
  await sink.waitFor(2);
  assertEachOnceInOrder(sink.received, 2100, 2);
});

test('a bad --collector URL stops serve with one clear line', async () => {
  const result = spawnSync(binary, ['serve', '--collector', 'ftp://x', '--listen', '127.0.0.1:0'], { cwd: root, encoding: 'utf8' });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /invalid collector URL 'ftp:\/\/x' \(not http:\/\/ or https:\/\/\)/);
  assert.ok(existsSync(binary));
});
