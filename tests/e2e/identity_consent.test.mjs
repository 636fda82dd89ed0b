// Identity and consent in headless Chromium against the real receiver, started with an identity
// secret: a token function gives a fresh token after the receiver refused an expired one, a
// plain expired token is dropped with one warning, the user's opt-out holds across reloads and
// drops the offline queue, and Do Not Track is noted once. Counters are read back through
// GET /api/v4/usage_data/metrics.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { launch, recordEvents } from './support/browser.mjs';
import { binary, startReceiver, total } from './support/receiver.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let secrets;
let secretFile;
let receiver;
let browser;

// What a backend does with the receiver's secret: `internal-events token`.
function mintToken(user, ttlSeconds) {
  const result = spawnSync(binary, ['token', '--secret-file', secretFile, '--user', String(user), '--ttl', String(ttlSeconds)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`internal-events token failed: ${result.stderr}`);
  return result.stdout.trim();
}

// The module's own console warnings (not Chromium's "failed to load resource" errors).
function moduleConsole(page, type) {
  const lines = [];
  page.on('console', (message) => message.type() === type && message.text().startsWith('internal-events:') && lines.push(message.text()));
  return lines;
}

before(async () => {
  secrets = await mkdtemp(path.join(tmpdir(), 'internal-events-identity-'));
  secretFile = path.join(secrets, 'identity.secret');
  await writeFile(secretFile, 'identity-secret-for-e2e-tests\n');
  receiver = await startReceiver({ extraArgs: ['--identity-secret-file', secretFile] });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await receiver?.stop();
  await rm(secrets, { recursive: true, force: true });
});

test('a token function: after its token expires, the 401 gets a fresh one and the batch arrives', async () => {
  const page = await browser.page();
  const warnings = moduleConsole(page, 'warning');
  let minted = 0;
  // Tokens live 2 seconds; each is for another user, so the unique count shows which ones counted.
  await page.exposeFunction('mintToken', () => mintToken(70 + ++minted, 2));
  await page.goto(`${receiver.url}/identity.html`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.evaluate(async () => {
    window.InternalEvents.track_event('e2e_identity', { label: 'first' });
    await window.InternalEvents.flush();
  });
  assert.equal(await receiver.waitFor(total('e2e_identity'), 1), 1);
  assert.equal(await receiver.metric({ key_path: 'e2e.identity_unique_users' }), 1, 'the first token set the user');

  await sleep(3100);  // the first token has expired
  await page.evaluate(async () => {
    window.InternalEvents.track_event('e2e_identity', { label: 'second' });
    await window.InternalEvents.flush();
  });
  assert.equal(await receiver.waitFor(total('e2e_identity'), 2), 2);
  assert.equal(await receiver.metric({ key_path: 'e2e.identity_unique_users' }), 2, 'the second batch carried the fresh token');
  assert.equal(minted, 2, 'one token at start, one after the 401');
  assert.deepEqual(warnings, []);
  await page.close();
});

test('a plain token that has expired: the batches are dropped, with one warning', async () => {
  const expired = mintToken(90, -10);
  const page = await browser.page();
  const warnings = moduleConsole(page, 'warning');
  await page.goto(`${receiver.url}/identity.html?token=${encodeURIComponent(expired)}`);
  await page.waitForSelector('body[data-ready="true"]');
  for (const label of ['one', 'two']) {
    await page.evaluate(async (label) => {
      window.InternalEvents.track_event('e2e_consent', { label });
      await window.InternalEvents.flush();
    }, label);
  }
  await sleep(500);
  assert.equal(await receiver.metric(total('e2e_consent')), 0);
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], /^internal-events: 1 events dropped: HTTP 401, the receiver refused the identity token/);
  await page.close();
});

test('optOut drops the offline queue and holds across a reload; optIn, after another, tracks again', async () => {
  const page = await browser.page();
  const sent = recordEvents(page);
  const stored = () => page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('internal-events:')).sort());
  const track = (label) => page.evaluate(async (label) => {
    window.InternalEvents.track_event('e2e_consent', { label });
    await window.InternalEvents.flush();
  }, label);
  const reload = async () => {
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
  };
  await page.goto(`${receiver.url}/raw.html?user=81`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.evaluate(() => window.InternalEvents.flush());
  await page.context().setOffline(true);
  await track('offline');
  assert.equal((await stored()).length, 1, 'the offline queue is in localStorage');
  await page.evaluate(() => window.InternalEvents.optOut());
  assert.deepEqual(await stored(), ['internal-events:opt-out'], 'the queue is dropped, the choice kept');
  await page.context().setOffline(false);

  await reload();
  assert.equal(await page.evaluate(() => window.InternalEvents.isOptedOut()), true);
  await track('opted out');
  await sleep(500);
  assert.deepEqual(sent.filter((e) => e.event === 'e2e_consent'), []);
  assert.equal(await receiver.metric(total('e2e_consent')), 0);

  await page.evaluate(() => window.InternalEvents.optIn());
  await reload();
  assert.equal(await page.evaluate(() => window.InternalEvents.isOptedOut()), false);
  await track('opted in');
  assert.equal(await receiver.waitFor(total('e2e_consent'), 1), 1);
  assert.deepEqual(sent.filter((e) => e.event === 'e2e_consent').map((e) => e.additional_properties.label), ['opted in']);
  await page.close();
});

test('Do Not Track: one console note, however many calls', async () => {
  const private_ = await launch({ preferences: { enable_do_not_track: true } });
  try {
    const page = await private_.page();
    const infos = moduleConsole(page, 'info');
    await page.goto(`${receiver.url}/raw.html?user=91`);
    await page.waitForSelector('body[data-ready="true"]');
    await page.evaluate(async () => {
      for (let i = 0; i < 3; i++) window.InternalEvents.track_event('e2e_dnt');
      await window.InternalEvents.flush();
    });
    assert.deepEqual(infos, ['internal-events: Do Not Track is on in this browser, so no events are sent or stored (the respectDoNotTrack option)']);
  } finally {
    await private_.close();
  }
});
