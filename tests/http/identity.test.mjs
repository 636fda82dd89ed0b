// Identity: with a secret configured, user ids come only from signed, unexpired tokens (or from
// server-to-server callers holding the api token), and reads need the api token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';

import { SUGGESTION, answer, metric, post, receiverFor, signToken, tempDir, writeSecret } from './receiver.mjs';

const SECRET = 'identity-secret-for-tests';
const API_TOKEN = 'api-token-for-tests';
const bearer = { Authorization: `Bearer ${API_TOKEN}` };

async function securedReceiver(t) {
  const dir = tempDir(t);
  const secretFile = writeSecret(dir, 'identity.secret', SECRET);
  const receiver = await receiverFor(t, ['--identity-secret-file', secretFile, '--api-token-file', writeSecret(dir, 'api.token', API_TOKEN)]);
  return { receiver, secretFile };
}

function base64url(text) {
  return Buffer.from(text).toString('base64url');
}

function handMadeToken(claims, secret, alg = 'HS256') {
  const unsigned = `${base64url(JSON.stringify({ alg, typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
  const signature = alg === 'none' ? '' : createHmac('sha256', secret).update(unsigned).digest('base64url');
  return `${unsigned}.${signature}`;
}

const uniqueUsers = (receiver) => metric(receiver, { event: SUGGESTION, unique: 'user.id', time_frame: 'current_week' }, bearer);

test('start-up warns when body identifiers are trusted, and not when a secret is set', async (t) => {
  const open = await receiverFor(t);
  assert.match(open.output(), /warning: no --identity-secret-file/);
  const { receiver } = await securedReceiver(t);
  assert.doesNotMatch(receiver.output(), /warning/);
});

test('a valid token sets the user; the body user_id is ignored', async (t) => {
  const { receiver, secretFile } = await securedReceiver(t);
  const token = signToken(secretFile, '--user', '41', '--project', '7');
  const { status } = await answer(await post(receiver, 'track_event', { event: SUGGESTION, user_id: 999, identity: token }));
  assert.equal(status, 200);
  const batch = await answer(await post(receiver, 'track_events', { identity: signToken(secretFile, '--user', '42'), events: [{ event: SUGGESTION, user_id: 999 }] }));
  assert.equal(batch.status, 200);
  assert.equal(batch.json.accepted, 1);
  // Users 41 and 42 were counted, 999 never.
  assert.equal((await uniqueUsers(receiver)).json.value, 2);
});

test('without a token, a body user_id is ignored when a secret is configured', async (t) => {
  const { receiver } = await securedReceiver(t);
  for (const user of [1, 2, 3]) assert.equal((await post(receiver, 'track_event', { event: SUGGESTION, user_id: user })).status, 200);
  assert.equal((await uniqueUsers(receiver)).json.value, 0);
  const totals = await metric(receiver, { event: SUGGESTION, time_frame: 'all' }, bearer);
  assert.equal(totals.json.value, 3);
});

test('a forged token is 401 and counts nothing', async (t) => {
  const { receiver } = await securedReceiver(t);
  const exp = Math.floor(Date.now() / 1000) + 600;
  for (const token of [
    handMadeToken({ user_id: 5, exp }, 'another-secret'),
    handMadeToken({ user_id: 5, exp }, SECRET, 'none'),
    'not.a.token',
    'garbage',
  ]) {
    const { status, json } = await answer(await post(receiver, 'track_event', { event: SUGGESTION, identity: token }));
    assert.equal(status, 401, token);
    assert.ok(json.error);
  }
  const batch = await answer(await post(receiver, 'track_events', {
    events: [{ event: SUGGESTION }, { event: SUGGESTION, identity: handMadeToken({ user_id: 5, exp }, 'x') }],
  }));
  assert.equal(batch.status, 401);
  assert.equal((await metric(receiver, { event: SUGGESTION, time_frame: 'all' }, bearer)).json.value, 0);
  // The same claims signed with the right secret pass.
  assert.equal((await post(receiver, 'track_event', { event: SUGGESTION, identity: handMadeToken({ user_id: 5, exp }, SECRET) })).status, 200);
});

test('an expired token is 401', async (t) => {
  const { receiver, secretFile } = await securedReceiver(t);
  const expired = signToken(secretFile, '--user', '5', '--ttl', '-10');
  const { status, json } = await answer(await post(receiver, 'track_event', { event: SUGGESTION, identity: expired }));
  assert.equal(status, 401);
  assert.match(json.error, /expired/);
  const noExpiry = handMadeToken({ user_id: 5 }, SECRET);
  assert.equal((await post(receiver, 'track_event', { event: SUGGESTION, identity: noExpiry })).status, 401);
});

test('a server-to-server caller with the api token may set user_id directly', async (t) => {
  const { receiver } = await securedReceiver(t);
  const { status } = await answer(await post(receiver, 'track_event', { event: SUGGESTION, user_id: 77 }, { headers: bearer }));
  assert.equal(status, 200);
  assert.equal((await uniqueUsers(receiver)).json.value, 1);
  const wrong = await post(receiver, 'track_event', { event: SUGGESTION, user_id: 78 }, { headers: { Authorization: 'Bearer wrong' } });
  assert.equal(wrong.status, 401);
});

test('reads need the api token when one is configured', async (t) => {
  const { receiver } = await securedReceiver(t);
  for (const path of [
    `/api/v4/usage_data/metrics?event=${SUGGESTION}&time_frame=all`,
    '/api/v4/usage_data/service_ping',
    '/-/metrics',
  ]) {
    const anonymous = await answer(await fetch(`${receiver.url}${path}`));
    assert.equal(anonymous.status, 401, path);
    assert.ok(anonymous.json.error);
    assert.equal((await fetch(`${receiver.url}${path}`, { headers: { Authorization: 'Bearer nope' } })).status, 401, path);
    assert.equal((await fetch(`${receiver.url}${path}`, { headers: bearer })).status, 200, path);
  }
  assert.equal((await fetch(`${receiver.url}/-/health`)).status, 200);
});
