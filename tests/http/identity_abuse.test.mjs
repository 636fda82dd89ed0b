// Identity tokens an attacker would try (#18, point 4): other algorithms (HS384/HS512 with the
// right secret, RS256 for real and as the HMAC confusion), alg none in any case, an empty key,
// exp far ahead (refused past 7 days: tokens are short-lived) or not an integer, and a replayed
// valid token with another body user_id, which counts the token's user only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';

import { healthy } from './abuse_support.mjs';
import { SUGGESTION, answer, binary, metric, post, receiverFor, signToken, tempDir, writeSecret } from './receiver.mjs';

const SECRET = 'identity-secret-for-abuse-tests';
const API_TOKEN = 'api-token-for-abuse-tests';
const bearer = { Authorization: `Bearer ${API_TOKEN}` };
const DAY = 24 * 3600;
const now = () => Math.floor(Date.now() / 1000);

async function securedReceiver(t) {
  const dir = tempDir(t);
  const secretFile = writeSecret(dir, 'identity.secret', SECRET);
  const receiver = await receiverFor(t, ['--identity-secret-file', secretFile, '--api-token-file', writeSecret(dir, 'api.token', API_TOKEN)]);
  return { receiver, secretFile };
}

const base64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

// A token with the given header and claims; `signature(unsigned)` makes its third part.
function token(header, claims, signature) {
  const unsigned = `${base64url(header)}.${base64url(claims)}`;
  return `${unsigned}.${signature(unsigned)}`;
}
const hmac = (hash, key) => (unsigned) => createHmac(hash, key).update(unsigned).digest('base64url');
const hs256 = (claims, key = SECRET) => token({ alg: 'HS256', typ: 'JWT' }, claims, hmac('sha256', key));

const tracked = (receiver, identity, extra = {}) => post(receiver, 'track_event', { event: SUGGESTION, identity, ...extra }).then(answer);
const totalCount = async (receiver) => (await metric(receiver, { event: SUGGESTION, time_frame: 'all' }, bearer)).json.value;
const uniqueUsers = async (receiver) => (await metric(receiver, { event: SUGGESTION, unique: 'user.id', time_frame: 'current_week' }, bearer)).json.value;

test('tokens of another algorithm, alg none in any spelling, or an empty key are 401 and count nothing', async (t) => {
  const { receiver } = await securedReceiver(t);
  const claims = { user_id: 5, exp: now() + 600 };
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const forged = {
    'HS512 with the secret': token({ alg: 'HS512', typ: 'JWT' }, claims, hmac('sha512', SECRET)),
    'HS384 with the secret': token({ alg: 'HS384', typ: 'JWT' }, claims, hmac('sha384', SECRET)),
    'RS256, really signed': token({ alg: 'RS256', typ: 'JWT' }, claims, (u) => sign('sha256', Buffer.from(u), privateKey).toString('base64url')),
    'RS256 labelled, HMAC-signed with the secret': token({ alg: 'RS256', typ: 'JWT' }, claims, hmac('sha256', SECRET)),
    'none': token({ alg: 'none', typ: 'JWT' }, claims, () => ''),
    'None': token({ alg: 'None', typ: 'JWT' }, claims, () => ''),
    'NONE with a signature': token({ alg: 'NONE', typ: 'JWT' }, claims, hmac('sha256', SECRET)),
    'no alg': token({ typ: 'JWT' }, claims, hmac('sha256', SECRET)),
    'HS256 with an empty key': hs256(claims, ''),
    'HS256 with the key cut short': hs256(claims, SECRET.slice(0, -1)),
    'HS256 with no signature': `${hs256(claims).split('.').slice(0, 2).join('.')}.`,
    'HS256, two parts': hs256(claims).split('.').slice(0, 2).join('.'),
  };
  for (const [name, forgery] of Object.entries(forged)) {
    const { status, json } = await tracked(receiver, forgery);
    assert.equal(status, 401, name);
    assert.match(json.error, /identity token/, name);
  }
  assert.equal(await totalCount(receiver), 0);
  assert.equal((await tracked(receiver, hs256(claims))).status, 200);  // the same claims, rightly signed
  assert.equal(await totalCount(receiver), 1);
  await healthy(receiver);
});

test('exp more than 7 days ahead is 401; within them, or not an integer, as the rule says', async (t) => {
  const { receiver, secretFile } = await securedReceiver(t);
  for (const exp of [253402300799 /* 9999-12-31 */, now() + 7 * DAY + 120, 2 ** 62, Number.MAX_SAFE_INTEGER]) {
    const { status, json } = await tracked(receiver, hs256({ user_id: 5, exp }));
    assert.equal(status, 401, String(exp));
    assert.match(json.error, /expires more than 7 days ahead: tokens must be short-lived/);
  }
  for (const exp of ['9999999999', 1.5e9 + 0.5, null, -1]) {
    assert.equal((await tracked(receiver, hs256({ user_id: 5, exp }))).status, 401, String(exp));
  }
  assert.equal(await totalCount(receiver), 0);
  assert.equal((await tracked(receiver, hs256({ user_id: 5, exp: now() + 6 * DAY }))).status, 200);
  assert.equal((await tracked(receiver, signToken(secretFile, '--user', '6', '--ttl', String(7 * DAY)))).status, 200);
  assert.equal(await uniqueUsers(receiver), 2);

  // The token command will not make what the receiver refuses.
  const long = spawnSync(binary, ['token', '--secret-file', secretFile, '--user', '1', '--ttl', String(7 * DAY + 1)], { encoding: 'utf8' });
  assert.equal(long.status, 2);
  assert.match(long.stderr, /--ttl 604801 is more than the 7 days \(604800 seconds\) a token may live/);
});

test('a replayed valid token with other body user_ids counts the token\'s user, and only it', async (t) => {
  const { receiver, secretFile } = await securedReceiver(t);
  const replayed = signToken(secretFile, '--user', '41');
  for (const user of [1, 2, 3, 41, 999]) {
    assert.equal((await tracked(receiver, replayed, { user_id: user })).status, 200);
  }
  const batch = await answer(await post(receiver, 'track_events', {
    identity: replayed,
    events: [{ event: SUGGESTION, user_id: 7 }, { event: SUGGESTION, user_id: 8, identity: replayed }],
  }));
  assert.equal(batch.status, 200);
  assert.equal(batch.json.accepted, 2);
  assert.equal(await totalCount(receiver), 7);
  assert.equal(await uniqueUsers(receiver), 1);
  // That one user is 41: counting 41 again through the api token leaves one user.
  assert.equal((await post(receiver, 'track_event', { event: SUGGESTION, user_id: 41 }, { headers: bearer })).status, 200);
  assert.equal(await uniqueUsers(receiver), 1);
  // A token whose user_id does not fit is refused like a body id that does not.
  const negative = await tracked(receiver, hs256({ user_id: -1, exp: now() + 600 }));
  assert.equal(negative.status, 422);
  assert.match(negative.json.error, /user must not be negative, not -1/);
  await healthy(receiver);
});
