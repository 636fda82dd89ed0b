// Bad input is answered with {"error": …}, never crashes the receiver, and never loses the good
// events of the same batch. Limits apply in the contract's order: body size, JSON, batch length,
// then each event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';

import { SUGGESTION, answer, post, receiverFor, total } from './receiver.mjs';

const good = (user) => ({ event: SUGGESTION, user_id: user, additional_properties: { label: 'diff' } });

// nlohmann counts bytes from 1; the end of the input is one past the last byte.
test('malformed JSON is 400 with the byte position', async (t) => {
  const receiver = await receiverFor(t);
  const { status, json } = await answer(await post(receiver, 'track_event', '{"event": x}'));
  assert.equal(status, 400);
  assert.match(json.error, /^invalid JSON at byte 11: /);
  const batch = await answer(await post(receiver, 'track_events', '{"events": [', { contentType: 'text/plain' }));
  assert.equal(batch.status, 400);
  assert.match(batch.json.error, /^invalid JSON at byte 13: .*unexpected end of input/);
});

test('text/plain bodies are accepted like application/json (no CORS preflight for browsers)', async (t) => {
  const receiver = await receiverFor(t);
  const { status, json } = await answer(await post(receiver, 'track_event', good(1), { contentType: 'text/plain;charset=UTF-8' }));
  assert.equal(status, 200);
  assert.deepEqual(json, { status: 'ok' });
  assert.equal(await total(receiver, SUGGESTION), 1);
});

test('another media type is 415 and counts nothing; case and spaces around the type do not matter', async (t) => {
  const receiver = await receiverFor(t);
  const refused = await answer(await post(receiver, 'track_event', good(1), { contentType: 'Application/XML; charset=utf-8' }));
  assert.equal(refused.status, 415);
  assert.equal(refused.json.error, 'bodies are application/json or text/plain, not application/xml');
  for (const contentType of ['Application/JSON ; charset=utf-8', ' text/plain', 'application/json']) {
    const { status } = await answer(await post(receiver, 'track_event', good(2), { contentType }));
    assert.equal(status, 200, contentType);
  }
  assert.equal(await total(receiver, SUGGESTION), 3);
});

test('a body over the limit is 413, decided from Content-Length before the body is read', async (t) => {
  const receiver = await receiverFor(t, ['--max-body-bytes', '1000']);
  const big = { events: Array.from({ length: 40 }, (_, i) => good(i)) };
  const { status, json } = await answer(await post(receiver, 'track_events', big));
  assert.equal(status, 413);
  assert.match(json.error, /larger than the limit of 1000 bytes/);

  // Only the header is sent: the answer must come without the body.
  const early = await new Promise((resolve, reject) => {
    const url = new URL(`${receiver.url}/api/v4/usage_data/track_events`);
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': '50000000' } });
    req.on('response', (res) => { resolve(res.statusCode); req.destroy(); });
    req.on('error', reject);
    req.flushHeaders();
  });
  assert.equal(early, 413);
  assert.equal(await total(receiver, SUGGESTION), 0);
});

test('more events than the batch limit is 400 and counts nothing', async (t) => {
  const receiver = await receiverFor(t, ['--max-batch-events', '3']);
  const { status, json } = await answer(await post(receiver, 'track_events', { events: [good(1), good(2), good(3), good(4)] }));
  assert.equal(status, 400);
  assert.match(json.error, /too many events: 4 \(the limit is 3/);
  assert.equal(await total(receiver, SUGGESTION), 0);
  assert.equal((await post(receiver, 'track_events', { events: [good(1), good(2), good(3)] })).status, 200);
});

test('bodies that are not the expected shape are 400', async (t) => {
  const receiver = await receiverFor(t);
  for (const [route, body, pattern] of [
    ['track_event', '[1, 2]', /body must be a JSON object, not array/],
    ['track_events', '{"events": {}}', /events must be an array/],
    ['track_events', '{}', /events must be an array/],
  ]) {
    const { status, json } = await answer(await post(receiver, route, body));
    assert.equal(status, 400, `${route} ${body}`);
    assert.match(json.error, pattern);
  }
});

test('a wrong property type on the single route is 422 naming the field', async (t) => {
  const receiver = await receiverFor(t);
  const { status, json } = await answer(await post(receiver, 'track_event',
    { event: SUGGESTION, user_id: 1, additional_properties: { label: 42 } }));
  assert.equal(status, 422);
  assert.match(json.error, /label must be a string, not integer/);
  const value = await answer(await post(receiver, 'track_event',
    { event: 'pull_package', additional_properties: { value: 'big' } }));
  assert.equal(value.status, 422);
  assert.match(value.json.error, /value must be a number, not string/);
  const undeclared = await answer(await post(receiver, 'track_event',
    { event: SUGGESTION, additional_properties: { colour: 'red' } }));
  assert.equal(undeclared.status, 422);
  assert.match(undeclared.json.error, /colour is not declared/);
  assert.equal(await total(receiver, SUGGESTION), 0);
});

test('an unknown event on the single route is 422: nothing was counted', async (t) => {
  const receiver = await receiverFor(t);
  const { status, json } = await answer(await post(receiver, 'track_event', { event: 'no_such_event' }));
  assert.equal(status, 422);
  assert.match(json.error, /unknown event 'no_such_event'/);
});

test('a batch reports each bad event by index and counts the good ones', async (t) => {
  const receiver = await receiverFor(t);
  const events = [
    good(1),
    { event: 'no_such_event' },
    { event: SUGGESTION, additional_properties: { label: 7 } },
    good(2),
    'not an object',
    { event: SUGGESTION, user_id: 'abc' },
    { event: SUGGESTION, additional_properties: { label: { nested: true } } },
    good(3),
  ];
  const { status, json } = await answer(await post(receiver, 'track_events', { events }));
  assert.equal(status, 200);
  assert.equal(json.accepted, 3);
  assert.deepEqual(json.rejected.map((r) => r.index), [1, 2, 4, 5, 6]);
  assert.match(json.rejected[0].error, /unknown event 'no_such_event'/);
  assert.match(json.rejected[1].error, /label must be a string/);
  assert.match(json.rejected[2].error, /must be a JSON object/);
  assert.match(json.rejected[3].error, /user must be an integer id/);
  assert.match(json.rejected[4].error, /label must be a string, number, boolean or null/);
  assert.equal(await total(receiver, SUGGESTION), 3);
});

test('--strict makes an unknown event a 422 for the whole batch', async (t) => {
  const receiver = await receiverFor(t, ['--strict']);
  const { status, json } = await answer(await post(receiver, 'track_events', { events: [good(1), { event: 'no_such_event' }] }));
  assert.equal(status, 422);
  assert.match(json.error, /events\[1\]: unknown event 'no_such_event'/);
  assert.equal(await total(receiver, SUGGESTION), 0);
  // Other problems are still reported per event.
  const typed = await answer(await post(receiver, 'track_events', { events: [good(1), { event: SUGGESTION, additional_properties: { label: 1 } }] }));
  assert.equal(typed.status, 200);
  assert.equal(typed.json.accepted, 1);
});

test('unknown routes are 404 and wrong methods 405, both as JSON errors', async (t) => {
  const receiver = await receiverFor(t);
  const missing = await answer(await fetch(`${receiver.url}/api/v4/usage_data/nothing`));
  assert.equal(missing.status, 404);
  assert.match(missing.json.error, /no route/);
  const wrong = await answer(await fetch(`${receiver.url}/api/v4/usage_data/track_event`));
  assert.equal(wrong.status, 405);
  assert.match(wrong.headers.get('allow'), /POST/);
  assert.ok(wrong.json.error);
  const wrongRead = await answer(await fetch(`${receiver.url}/api/v4/usage_data/metrics`, { method: 'POST', body: '{}' }));
  assert.equal(wrongRead.status, 405);
});

test('bad read parameters are 400, unknown metrics 404', async (t) => {
  const receiver = await receiverFor(t);
  const read = (query) => fetch(`${receiver.url}/api/v4/usage_data/metrics?${query}`).then(answer);
  assert.equal((await read('event=pull_package&time_frame=1y')).status, 400);
  assert.equal((await read('event=pull_package')).status, 400);
  assert.equal((await read('event=pull_package&time_frame=7d&date=2021-02-30')).status, 400);
  assert.equal((await read('')).status, 400);
  const unknown = await read('key_path=counts.nothing');
  assert.equal(unknown.status, 404);
  assert.match(unknown.json.error, /unknown metric 'counts.nothing'/);
  assert.equal((await read('event=nothing&time_frame=all')).status, 404);
});

test('a client over its rate limit gets 429', async (t) => {
  const receiver = await receiverFor(t, ['--rate-limit', '1', '--rate-burst', '3']);
  const statuses = [];
  for (let i = 0; i < 6; i += 1) statuses.push((await post(receiver, 'track_event', good(i))).status);
  assert.deepEqual(statuses.slice(0, 3), [200, 200, 200]);
  assert.ok(statuses.includes(429), statuses.join(','));
  const limited = await answer(await post(receiver, 'track_event', good(9)));
  assert.equal(limited.status, 429);
  assert.match(limited.json.error, /too many requests/);
  assert.equal((await fetch(`${receiver.url}/-/health`)).status, 200);
});

test('the receiver survives hostile bytes and keeps answering', async (t) => {
  const receiver = await receiverFor(t);
  const invalidUtf8 = Buffer.concat([Buffer.from('{"event":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
  const response = await fetch(`${receiver.url}/api/v4/usage_data/track_event`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: invalidUtf8 });
  assert.ok([400, 422].includes(response.status));
  assert.ok((await answer(response)).json.error);
  const overflow = await answer(await post(receiver, 'track_event', '{"event": "pull_package", "additional_properties": {"value": 1e400}}'));
  assert.equal(overflow.status, 400);
  assert.match(overflow.json.error, /^invalid JSON: number overflow/);
  const deep = '['.repeat(100000);
  assert.equal((await post(receiver, 'track_events', deep)).status, 400);
  assert.equal((await fetch(`${receiver.url}/-/health`)).status, 200);
});

test('Expect: 100-continue gets the go-ahead, or the 413 before the body is sent', async (t) => {
  const receiver = await receiverFor(t, ['--max-body-bytes', '1000']);
  const url = new URL(`${receiver.url}/api/v4/usage_data/track_event`);
  const send = (body) => new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Expect: '100-continue' } });
    let continued = false;
    req.on('continue', () => { continued = true; req.end(body); });
    req.on('response', (res) => { res.resume(); res.on('end', () => { resolve({ status: res.statusCode, continued }); req.destroy(); }); });
    req.on('error', reject);
    req.flushHeaders();
  });
  assert.deepEqual(await send(JSON.stringify(good(1))), { status: 200, continued: true });
  assert.deepEqual(await send(JSON.stringify({ ...good(2), padding: 'x'.repeat(2000) })), { status: 413, continued: false });
  assert.equal(await total(receiver, SUGGESTION), 1);
});
