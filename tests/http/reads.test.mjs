// What the receiver answers about what it counted: metrics, the service ping, Prometheus text,
// plus CORS and the static files it serves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import path from 'node:path';

import { SUGGESTION, TODAY, answer, metric, post, receiverFor, tempDir } from './receiver.mjs';

test('tracked events show in metrics: unique users this week, totals, key_path metrics', async (t) => {
  const receiver = await receiverFor(t);
  const events = [1, 2, 2, 3].map((user) => ({ event: SUGGESTION, user_id: user, project_id: 7, additional_properties: { label: 'diff' } }));
  const { json } = await answer(await post(receiver, 'track_events', { events }));
  assert.equal(json.accepted, 4);
  assert.equal((await post(receiver, 'track_event', { event: SUGGESTION, user_id: 4 })).status, 200);

  assert.deepEqual((await metric(receiver, { event: SUGGESTION, unique: 'user.id', time_frame: 'current_week' })).json, { value: 4 });
  assert.deepEqual((await metric(receiver, { event: SUGGESTION, time_frame: 'current_week' })).json, { value: 5 });
  assert.deepEqual((await metric(receiver, { event: SUGGESTION, time_frame: 'all' })).json, { value: 5 });
  assert.deepEqual((await metric(receiver, { key_path: 'counts.count_total_i_code_review_user_apply_suggestion' })).json, { value: 5 });
  // 7d is the last complete week before the date: nothing of today is in it.
  assert.deepEqual((await metric(receiver, { event: SUGGESTION, unique: 'user.id', time_frame: '7d' })).json, { value: 0 });
});

test('event reads refuse what no metric answers: a bogus unique is 400, an uncounted one 404', async (t) => {
  const receiver = await receiverFor(t);
  const bogus = await metric(receiver, { event: SUGGESTION, unique: 'bogus', time_frame: '7d' });
  assert.equal(bogus.status, 400);
  assert.match(bogus.json.error, /unique=bogus is not an identifier or property of 'i_code_review_user_apply_suggestion': use one of .*user\.id/);
  // Users of this event are counted weekly (7d, 28d metrics), not over all time.
  const uncounted = await metric(receiver, { event: SUGGESTION, unique: 'user.id', time_frame: 'all' });
  assert.equal(uncounted.status, 404);
  assert.match(uncounted.json.error, /no metric counts unique user\.id of 'i_code_review_user_apply_suggestion' \(all time\): its metrics are .*count_total_i_code_review_user_apply_suggestion/);
  // pull_package's projects are counted weekly (a [7d, 28d] metric): 7d answers, all does not.
  assert.deepEqual((await metric(receiver, { event: 'pull_package', unique: 'project.id', time_frame: '7d' })).json, { value: 0 });
  assert.equal((await metric(receiver, { event: 'pull_package', unique: 'project.id', time_frame: 'all' })).status, 404);
});

test('an event id seen before is accepted and changes nothing', async (t) => {
  const receiver = await receiverFor(t);
  const event = { event: SUGGESTION, user_id: 1, eid: '7d8f6a52-3a0e-4c1b-9c57-0d6c2f1a9b10' };
  assert.equal((await post(receiver, 'track_event', event)).status, 200);
  const again = await answer(await post(receiver, 'track_events', { events: [event, event] }));
  assert.equal(again.json.accepted, 2);
  assert.deepEqual((await metric(receiver, { event: SUGGESTION, time_frame: 'all' })).json, { value: 1 });
});

test('service_ping nests every metric by its key_path', async (t) => {
  const receiver = await receiverFor(t);
  await post(receiver, 'track_events', { events: [{ event: SUGGESTION, user_id: 1 }, { event: 'pull_package', project_id: 3, additional_properties: { label: 'rubygems', property: 'deploy_token' } }] });
  const { status, json } = await answer(await fetch(`${receiver.url}/api/v4/usage_data/service_ping?date=${TODAY}`));
  assert.equal(status, 200);
  assert.equal(json.counts.count_total_i_code_review_user_apply_suggestion, 1);
  assert.equal(json.counts.count_total_pull_package_rubygems_by_deploy_token, 1);
  assert.equal(typeof json.redis_hll_counters.code_review.i_code_review_user_apply_suggestion_weekly, 'number');
  assert.equal(typeof json.redis_hll_counters.package_registry.count_distinct_project_id_from_pull_package_monthly, 'number');
  assert.equal((await fetch(`${receiver.url}/api/v4/usage_data/service_ping?date=yesterday`)).status, 400);
});

test('Prometheus text counts accepted and rejected events, requests and latencies', async (t) => {
  const receiver = await receiverFor(t);
  await post(receiver, 'track_events', { events: [{ event: SUGGESTION, user_id: 1 }, { event: 'nope' }, { event: SUGGESTION, additional_properties: { label: 1 } }] });
  await fetch(`${receiver.url}/nothing`);
  const response = await fetch(`${receiver.url}/-/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  assert.match(text, /^# TYPE internal_events_events_accepted_total counter$/m);
  assert.match(text, /^internal_events_events_accepted_total 1$/m);
  assert.match(text, /^internal_events_events_rejected_total\{reason="unknown_event"\} 1$/m);
  assert.match(text, /^internal_events_events_rejected_total\{reason="invalid_property_type"\} 1$/m);
  assert.match(text, /^internal_events_http_requests_total\{route="\/api\/v4\/usage_data\/track_events",status="200"\} 1$/m);
  assert.match(text, /^internal_events_http_requests_total\{route="unknown",status="404"\} 1$/m);
  assert.match(text, /^internal_events_http_request_duration_seconds_bucket\{route="\/api\/v4\/usage_data\/track_events",le="\+Inf"\} 1$/m);
  assert.match(text, /^internal_events_store_commit_duration_seconds_count 1$/m);
  assert.match(text, /^internal_events_batch_size_events_bucket\{le="2"\} 0$/m);
  assert.match(text, /^internal_events_batch_size_events_bucket\{le="5"\} 1$/m);
});

test('health and readiness', async (t) => {
  const receiver = await receiverFor(t);
  assert.equal((await fetch(`${receiver.url}/-/health`)).status, 200);
  assert.deepEqual(await (await fetch(`${receiver.url}/-/readiness`)).json(), { status: 'ready' });
});

test('CORS: only allowed origins get Access-Control-Allow-Origin, preflight included', async (t) => {
  const receiver = await receiverFor(t, ['--allowed-origins', 'https://app.example,https://other.example']);
  const track = (origin) => post(receiver, 'track_event', { event: SUGGESTION }, { headers: { Origin: origin }, contentType: 'text/plain' });
  const allowed = await track('https://app.example');
  assert.equal(allowed.status, 200);
  assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://app.example');
  const refused = await track('https://evil.example');
  assert.equal(refused.headers.get('access-control-allow-origin'), null);

  const preflight = await fetch(`${receiver.url}/api/v4/usage_data/track_events`, {
    method: 'OPTIONS', headers: { Origin: 'https://other.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://other.example');
  assert.match(preflight.headers.get('access-control-allow-methods'), /POST/);
  assert.match(preflight.headers.get('access-control-allow-headers'), /Content-Type/i);
  const evilPreflight = await fetch(`${receiver.url}/api/v4/usage_data/track_events`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example' } });
  assert.equal(evilPreflight.headers.get('access-control-allow-origin'), null);
  assert.equal(evilPreflight.headers.get('access-control-allow-methods'), null);
});

function rawGet(url, rawPath) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path: rawPath }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('error', reject);
    req.end();
  });
}

test('static files: the site at /, assets at /internal-events/, right types, no way out', async (t) => {
  const dir = tempDir(t);
  const site = path.join(dir, 'site');
  const assets = path.join(dir, 'assets');
  mkdirSync(site);
  mkdirSync(assets);
  writeFileSync(path.join(site, 'index.html'), '<h1>demo</h1>');
  writeFileSync(path.join(assets, 'internal-events.js'), 'export {};');
  writeFileSync(path.join(assets, 'internal-events.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  writeFileSync(path.join(dir, 'secret.txt'), 'do not serve');
  const receiver = await receiverFor(t, ['--static', site, '--assets', assets]);

  const index = await fetch(`${receiver.url}/`);
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type'), /^text\/html/);
  assert.equal(await index.text(), '<h1>demo</h1>');
  const wasm = await fetch(`${receiver.url}/internal-events/internal-events.wasm`);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  assert.equal((await wasm.arrayBuffer()).byteLength, 8);
  assert.match((await fetch(`${receiver.url}/internal-events/internal-events.js`)).headers.get('content-type'), /^text\/javascript/);
  assert.equal((await fetch(`${receiver.url}/missing.html`)).status, 404);

  for (const sneaky of ['/../secret.txt', '/%2e%2e/secret.txt', '/internal-events/../secret.txt', '/internal-events/%2e%2e/%2e%2e/secret.txt', '/%2e%2e%2fsecret.txt', '/..%5csecret.txt']) {
    assert.equal(await rawGet(receiver.url, sneaky), 404, sneaky);
  }
});
