// The web demo (web-demo/index.html) works as its page says: served by the real receiver with
// the example definitions (config/), each of its three styles moves the counters it shows.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import { launch } from './support/browser.mjs';
import { root, startReceiver, total } from './support/receiver.mjs';

let receiver;
let browser;

before(async () => {
  receiver = await startReceiver({ pages: path.join(root, 'web-demo'), definitions: path.join(root, 'config') });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await receiver?.stop();
});

test('the demo tracks raw calls, a Vue 3 component and data attributes, and shows the counters', async () => {
  const page = await browser.page();
  await page.goto(`${receiver.url}/`);
  await page.click('#raw-overview');
  await page.click('#raw-sec');
  await page.click('text=Apply a suggestion in the diff');
  await page.click('text=Pull a gem');
  await page.click('text=Pull an npm package');
  // The banner was tracked once on load: 1 + 2 raw calls.
  assert.equal(await receiver.waitFor(total('i_analytics_dev_ops_adoption'), 3), 3);
  assert.equal(await receiver.waitFor(total('i_code_review_user_apply_suggestion'), 1), 1);
  assert.equal(await receiver.waitFor(total('pull_package'), 2), 2);
  assert.equal(await receiver.metric({ key_path: 'counts.count_total_pull_package_rubygems_by_deploy_token' }), 1);
  assert.equal(await receiver.metric({ key_path: 'counts.sum_render_seconds_from_i_analytics_dev_ops_adoption' }), 2);
  // The page's own table shows what the API says (it reads the API every second).
  const shown = (row) => page.textContent(`#counters tr:nth-child(${row}) td.value`);
  await page.waitForFunction(() => document.querySelector('#counters tr:nth-child(6) td.value')?.textContent === '2', null, { timeout: 5000 });
  // Every row is a number: a metric the demo names wrongly would show the API's error instead.
  const rows = [];
  for (let row = 1; row <= 7; row++) rows.push(await shown(row));
  assert.deepEqual(rows, ['3', '1', '2', '1', '1', '2', '1']);
  await page.close();
});
