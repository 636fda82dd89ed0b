// The browser module end to end: headless Chromium loads pages from the real receiver
// (`internal-events serve`, SQLite store, tests/e2e/definitions), the pages use the built bundle
// (build/web), and every check reads the receiver's counters through GET /api/v4/usage_data/metrics.
// Nothing stands in for the receiver; the only interception delays the wasm download.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { launch, recordEvents } from './support/browser.mjs';
import { startReceiver, total } from './support/receiver.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let receiver;
let browser;

before(async () => {
  receiver = await startReceiver();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await receiver?.stop();
});

test('raw JavaScript: calls made before the wasm is ready and after it arrive, counted once', async () => {
  const page = await browser.page();
  // Hold the wasm back so that the page's first call certainly waits in the queue.
  await page.route('**/internal-events/internal-events.wasm', async (route) => {
    await sleep(1500);
    await route.continue();
  });
  await page.goto(`${receiver.url}/raw.html?user=41`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.evaluate(async () => {
    window.InternalEvents.track_event('e2e_raw_call', { label: 'raw', property: 'console', value: 2, source: 'script' });
    window.InternalEvents.trackEvent('e2e_raw_call', { value: 0.5 }, 'E2ECategory');  // with a category (se_ca)
    await window.InternalEvents.flush();
  });
  assert.equal(await receiver.waitFor(total('e2e_before_ready'), 1), 1);
  assert.equal(await receiver.waitFor(total('e2e_raw_call'), 2), 2);
  assert.equal(await receiver.metric({ key_path: 'e2e.raw_call_sum' }), 2.5);
  assert.equal(await receiver.metric({ key_path: 'e2e.raw_call_unique_users' }), 1);
  const message = await page.evaluate(() => {
    try {
      window.InternalEvents.track_event('e2e_raw_call', { label: 5 });
    } catch (error) {
      return `${error.name}: ${error.message}`;
    }
    return 'no error';
  });
  assert.match(message, /^TypeError: .*label must be a string/);
  await page.close();
});

for (const [version, event] of [['vue3', 'e2e_vue3_click'], ['vue2', 'e2e_vue2_click']]) {
  test(`a ${version === 'vue3' ? 'Vue 3' : 'Vue 2.7'} component tracks through the mixin (trackEvent and track_event)`, async () => {
    const page = await browser.page(`${receiver.url}/${version}.html`);
    await page.click('#apply');
    await page.click('#apply');
    await page.click('#snake');
    assert.equal(await page.textContent('#apply'), 'Apply (2)');
    await page.evaluate(() => window.InternalEvents.flush());
    assert.equal(await receiver.waitFor(total(event), 3), 3);
    await page.close();
  });
}

test('data-event-* attributes: nested child, label/property/additional, value "0" and "2.5", load events, empty name', async () => {
  const page = await browser.page();
  const sent = recordEvents(page);
  await page.goto(`${receiver.url}/data.html`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.click('#deep');  // a child two levels below the tracked button
  await page.click('#zero');
  await page.click('#fraction');
  await page.click('#empty');
  await page.click('#untracked');
  await page.evaluate(async () => {
    window.InternalEvents.trackInternalLoadEvents();  // already tracked when bound: not again
    window.InternalEvents.bindInternalEventDocument();  // already bound: clicks stay single
    await window.InternalEvents.flush();
  });
  assert.equal(await receiver.waitFor(total('e2e_data_value'), 2), 2);
  assert.equal(await receiver.metric(total('e2e_data_click')), 1);
  assert.equal(await receiver.metric({ key_path: 'e2e.data_click_nested' }), 1, 'label, property and additional arrived');
  assert.equal(await receiver.metric({ key_path: 'e2e.data_value_zero' }), 1, 'data-event-value="0" is the number 0');
  assert.equal(await receiver.metric({ key_path: 'e2e.data_value_sum' }), 2.5, 'data-event-value="2.5" is 2.5');
  assert.equal(await receiver.metric(total('e2e_data_load')), 1);
  assert.deepEqual(sent.map((e) => e.event).sort(), ['e2e_data_click', 'e2e_data_load', 'e2e_data_value', 'e2e_data_value']);
  await page.close();
});

test('a click that leaves the page at once still delivers its event', async () => {
  const page = await browser.page(`${receiver.url}/navigate.html`);
  await page.click('#leave');
  await page.waitForSelector('#landed');
  assert.equal(await receiver.waitFor(total('e2e_navigate'), 1), 1);
  await page.close();
});

test('offline, then online: every event arrives, once', async () => {
  const page = await browser.page(`${receiver.url}/raw.html?user=51`);
  await page.evaluate(() => window.InternalEvents.flush());
  await page.context().setOffline(true);
  await page.evaluate(async () => {
    for (let i = 1; i <= 3; i++) window.InternalEvents.track_event('e2e_offline', { value: i });
    await window.InternalEvents.flush();  // resolves once the events are stored
  });
  const stored = await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('internal-events:')).length);
  assert.equal(stored, 1, 'the offline queue is in localStorage');
  await sleep(500);
  assert.equal(await receiver.metric(total('e2e_offline')), 0);
  await page.context().setOffline(false);
  assert.equal(await receiver.waitFor(total('e2e_offline'), 3), 3);
  await sleep(1000);
  assert.equal(await receiver.metric(total('e2e_offline')), 3, 'no event counted twice');
  await page.close();
});

test('a page whose CSP forbids WebAssembly still delivers its events, unvalidated', async () => {
  const page = await browser.page();
  const warnings = [];
  page.on('console', (message) => message.type() === 'warning' && warnings.push(message.text()));
  await page.goto(`${receiver.url}/csp.html`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.evaluate(() => window.InternalEvents.flush());
  assert.equal(await receiver.waitFor(total('e2e_csp'), 1), 1);
  assert.match(warnings.join('\n'), /wasm core did not load/, 'the page really ran without the wasm');
  await page.close();
});

test('Do Not Track on: nothing is sent', async () => {
  const private_ = await launch({ preferences: { enable_do_not_track: true } });
  try {
    const page = await private_.page();
    const sent = recordEvents(page);
    await page.goto(`${receiver.url}/raw.html?user=61`);
    await page.waitForSelector('body[data-ready="true"]');
    assert.equal(await page.evaluate(() => navigator.doNotTrack), '1', 'Chromium applied the Do Not Track setting');
    await page.evaluate(async () => {
      window.InternalEvents.track_event('e2e_dnt', { label: 'private' });
      await window.InternalEvents.flush();
    });
    await page.goto(`${receiver.url}/landing.html`);
    await sleep(500);
    assert.deepEqual(sent, []);
    assert.equal(await receiver.metric(total('e2e_dnt')), 0);
  } finally {
    await private_.close();
  }
});
