// serve --demo-tokens (#20): GET /-/demo/token?user=N signs a ten-minute identity token for demo
// users 1-5 with the receiver's own secret, which its track route then believes; nothing else is
// minted, and without the flag (or without a secret) there is no such route.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

import { binary, post, receiverFor, tempDir, writeSecret, root } from './receiver.mjs';

const EVENT = 'pull_package';
const claims = (token) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());

async function demoReceiver(t) {
  const secret = writeSecret(tempDir(t), 'secret', 'a demo secret of enough length for HS256');
  return receiverFor(t, ['--identity-secret-file', secret, '--demo-tokens']);
}

const uniqueUsers = async (receiver) => (await (await fetch(
  `${receiver.url}/api/v4/usage_data/metrics?event=${EVENT}&unique=user.id&time_frame=current_week`)).json()).value;

test('a demo token names its user for ten minutes, and the receiver counts that user, not the body', async (t) => {
  const receiver = await demoReceiver(t);
  assert.match(receiver.output(), /^warning: --demo-tokens: anyone who can reach \/-\/demo\/token may act as users 1-5/m);
  const response = await fetch(`${receiver.url}/-/demo/token?user=3`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('cache-control'), 'no-store');
  const token = await response.text();
  const { user_id: user, exp } = claims(token);
  assert.equal(user, 3);
  assert.ok(Math.abs(exp - (Date.now() / 1000 + 600)) < 5, `exp ${exp}`);

  const tracked = await post(receiver, 'track_events', { identity: token, events: [{ event: EVENT, user_id: 99, project_id: 1 }] });
  assert.equal(tracked.status, 200);
  const other = await (await fetch(`${receiver.url}/-/demo/token?user=5`)).text();
  await post(receiver, 'track_events', { identity: other, events: [{ event: EVENT, project_id: 1 }, { event: EVENT, project_id: 1 }] });
  assert.equal(await uniqueUsers(receiver), 2);  // users 3 and 5; 99 from the body is not believed
});

test('only users 1 to 5 are minted', async (t) => {
  const receiver = await demoReceiver(t);
  for (const user of ['0', '6', '-1', '1.5', '2x', '', '99999999999999999999']) {
    const response = await fetch(`${receiver.url}/-/demo/token?user=${user}`);
    assert.equal(response.status, 400, `user=${user}`);
    assert.match((await response.json()).error, /is not a demo user: \/-\/demo\/token mints tokens for users 1 to 5 only/);
  }
  assert.equal((await fetch(`${receiver.url}/-/demo/token`)).status, 400);
});

test('without --demo-tokens there is no token route, and the flag without a secret is refused', async (t) => {
  const secret = writeSecret(tempDir(t), 'secret', 'a demo secret of enough length for HS256');
  const receiver = await receiverFor(t, ['--identity-secret-file', secret]);
  assert.equal((await fetch(`${receiver.url}/-/demo/token?user=1`)).status, 404);
  const refused = spawnSync(binary, ['serve', '--listen', '127.0.0.1:0', '--definitions', 'config', '--demo-tokens'], { cwd: root, encoding: 'utf8' });
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /--demo-tokens needs --identity-secret-file: it signs with that secret/);
});
