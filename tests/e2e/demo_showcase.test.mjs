// The showcase demo (#20) as the README's first command serves it: scripts/run.sh itself, on a free
// port, a temporary store, secret and site, with its seeded history. Headless Chromium clicks each
// style and switches users; the page's own panels must show what the receiver counted within a
// moment, the recent-events panel the Snowplow copy with a pseudonymised user, and nothing may
// log a console error or scroll sideways at 390 px. The screenshot goes to build/screenshots/demo.png
// (UPDATE_SCREENSHOT=1 also writes docs/demo.png, the README's).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { launch } from './support/browser.mjs';
import { binary, root } from './support/receiver.mjs';

const ADOPTION = 'i_analytics_dev_ops_adoption';
const SUGGESTION = 'i_code_review_user_apply_suggestion';
const PULL = 'pull_package';
// scripts/seed_demo.sh's users per week, six weeks ago first.
const SEEDED = { [ADOPTION]: [2, 3, 3, 4, 5, 6], [SUGGESTION]: [1, 2, 4, 3, 5, 4], [PULL]: [3, 2, 4, 5, 4, 6] };
const UPDATE_MS = 3000;  // the page shows a click within a second; slack for a busy machine

let work;
let demo;
let browser;
const consoleErrors = [];

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// scripts/run.sh with everything it writes in `work`, and the built command (no rebuild).
async function startRunScript() {
  const port = await freePort();
  const child = spawn(path.join(root, 'scripts/run.sh'), [], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      INTERNAL_EVENTS_BINARY: binary,
      INTERNAL_EVENTS_ASSETS: path.join(root, 'build/web'),
      INTERNAL_EVENTS_LISTEN: `127.0.0.1:${port}`,
      INTERNAL_EVENTS_STORE: `sqlite:${path.join(work, 'store.sqlite3')}`,
      INTERNAL_EVENTS_IDENTITY_SECRET_FILE: path.join(work, 'secret'),
      INTERNAL_EVENTS_DEMO_SITE: path.join(work, 'site'),
    },
  });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`scripts/run.sh did not say "listening on" within 30 s:\n${output}`)), 30000);
    const read = (chunk) => {
      output += chunk;
      const found = output.match(/listening on (http:\/\/\S+)/);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`scripts/run.sh exited with ${code}:\n${output}`)); });
  });
  return {
    url,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
    },
  };
}

async function openDemo(viewport) {
  const page = await browser.page();
  await page.setViewportSize(viewport);
  page.on('console', (message) => message.type() === 'error' && consoleErrors.push(`${page.url()}: ${message.text()}`));
  page.on('pageerror', (error) => consoleErrors.push(`${page.url()}: ${error.message}`));
  await page.goto(`${demo.url}/`);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
  return page;
}

const cell = (event, metric) => `.counter[data-event="${event}"] [data-metric="${metric}"]`;

// Waits until the page's own counter cell shows `expected`, and fails with what it showed.
async function shows(page, event, metric, expected, timeout = UPDATE_MS) {
  const selector = cell(event, metric);
  try {
    await page.waitForFunction(([s, e]) => document.querySelector(s)?.textContent === e, [selector, String(expected)], { timeout });
  } catch {
    assert.fail(`${event} ${metric}: the page shows ${await page.textContent(selector)}, not ${expected}, ${timeout} ms on`);
  }
}

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'internal-events-demo-'));
  demo = await startRunScript();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await demo?.stop();
  await rm(work, { recursive: true, force: true });
});

test('run.sh seeds a new store, runs with an identity secret and demo tokens, and leaves the repo alone', () => {
  assert.match(demo.output(), /^seed: six weeks of demo history in sqlite:/m);
  assert.match(demo.output(), /^warning: --demo-tokens: /m);
  assert.doesNotMatch(demo.output(), /no --identity-secret-file/);
  assert.match(demo.output(), new RegExp(`^serving / from ${work.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/site$`, 'm'));
});

test('the showcase: every style counts, users count once each, the load event once, history, recent events', async () => {
  const page = await openDemo({ width: 1280, height: 900 });

  // The weekly chart: the seeded weeks (five weeks ago to last week; six weeks ago expires on Sunday
  // of this week at noon), and nothing left of seven weeks ago, past the six-week TTL.
  await page.waitForSelector('#chart rect[data-event]', { state: 'attached' });
  const bars = await page.$$eval('#chart rect[data-event]', (rects) => rects.map((r) => [r.dataset.event, Number(r.dataset.value)]));
  for (const [event, seeded] of Object.entries(SEEDED)) {
    const weekly = bars.filter(([name]) => name === event).map(([, value]) => value);
    assert.equal(weekly.length, 8, event);
    assert.deepEqual(weekly.slice(2, 7), seeded.slice(1), `${event}: ${weekly}`);
    assert.equal(weekly[0], 0, `${event}: ${weekly}`);
  }
  // 7 days is last week; 28 days the four weeks before this one (the same seeded users 101 and up).
  await shows(page, PULL, 'users-7d', 6);
  await shows(page, PULL, 'total-7d', 6);
  await shows(page, PULL, 'users-28d', 6);
  await shows(page, PULL, 'total-28d', 4 + 5 + 4 + 6);

  // The banner's load event, once, for user 1.
  await shows(page, ADOPTION, 'total-current_week', 1);
  await shows(page, ADOPTION, 'users-current_week', 1);

  // Each style's button raises its own counters.
  await page.click('#vue-app >> text=Apply a suggestion in the diff');
  await shows(page, SUGGESTION, 'total-current_week', 1);
  await shows(page, SUGGESTION, 'users-current_week', 1);
  await page.click('#raw-overview');
  await shows(page, ADOPTION, 'total-current_week', 2);
  await shows(page, ADOPTION, 'users-current_week', 1);
  await page.click('text=Pull an npm package');
  await shows(page, PULL, 'total-current_week', 1);
  await shows(page, PULL, 'users-current_week', 1);
  await page.click('text=Pull a gem');
  await shows(page, PULL, 'total-current_week', 2);

  // A new user raises the unique count; a user seen before only the total.
  await page.click('#users button[data-user="2"]');
  await page.click('text=Pull an npm package');
  await shows(page, PULL, 'total-current_week', 3);
  await shows(page, PULL, 'users-current_week', 2);
  await page.click('#users button[data-user="1"]');
  await page.click('text=Pull an npm package');
  await shows(page, PULL, 'total-current_week', 4);
  await shows(page, PULL, 'users-current_week', 2);
  await page.click('#users button[data-user="3"]');
  await page.click('#vue-app >> text=Apply one in the overview');
  await shows(page, SUGGESTION, 'users-current_week', 2);
  // This week's bar follows the clicks; the all-time total holds the seed (24 pulls) too.
  await page.waitForFunction(() => [...document.querySelectorAll('#chart rect[data-event="pull_package"]')].at(-1)?.dataset.value === '2',
    null, { timeout: UPDATE_MS });
  await shows(page, PULL, 'total-all', 24 + 4);
  await shows(page, ADOPTION, 'total-current_week', 2);  // still: the load event was counted once

  // The recent-events panel: user 3's suggestion, its keys, and the Snowplow copy with a pseudonym.
  const newest = page.locator('#recent li.event').first();
  await newest.waitFor();
  assert.equal(await newest.getAttribute('data-event'), SUGGESTION);
  assert.match(await newest.locator('p').first().textContent(), /^user 3 · project 7 · namespace 3 · label="overview"$/);
  const keys = await newest.locator('.keys code').allTextContents();
  assert.ok(keys.includes(`{event_counters}_${SUGGESTION}`), keys.join(' '));
  assert.ok(keys.some((key) => new RegExp(`^\\{hll_counters\\}_${SUGGESTION}-user-\\d{4}-\\d\\d$`).test(key)), keys.join(' '));
  const pseudonym = await newest.locator('.pseudonym code').textContent();
  assert.match(pseudonym, /^[A-Za-z0-9+/]{43}=$/);
  const payload = JSON.parse(await newest.locator('pre.payload').textContent());
  assert.equal(payload.e, 'se');
  assert.equal(payload.se_ac, SUGGESTION);
  assert.equal(payload.se_la, 'overview');
  const standard = payload.contexts.data.find((c) => c.schema.startsWith('iglu:com.gitlab/gitlab_standard/'));
  assert.equal(standard.data.user_id, pseudonym);
  assert.ok(await newest.locator('details').evaluate((d) => d.open));

  // Each style shows the code that ran: the served files and the served markup, as they are.
  const shown = (style) => page.textContent(`#style-${style} pre code`);
  assert.match(await shown('vue'), /mixins: \[InternalEvents\.mixin\(\)\],[\s\S]*this\.trackEvent\('i_code_review_user_apply_suggestion', \{ label: where \}\)/);
  assert.match(await shown('raw'), /InternalEvents\.trackEvent\('i_analytics_dev_ops_adoption', \{ label: 'overview', value: 1\.5 \}\)/);
  const markup = await shown('html');
  for (const attribute of ['data-event-tracking=', 'data-event-label=', 'data-event-property=', 'data-event-value=', 'data-event-additional=', 'data-event-tracking-load="true"']) {
    assert.ok(markup.includes(attribute), `${attribute} in ${markup}`);
  }

  const screenshots = path.join(root, 'build/screenshots');
  await mkdir(screenshots, { recursive: true });
  const screenshot = path.join(screenshots, 'demo.png');
  // The page down to the newest recent event: what a visitor sees first, without the whole list.
  const bottom = await newest.evaluate((li) => Math.ceil(li.getBoundingClientRect().bottom + window.scrollY + 16));
  await page.screenshot({ path: screenshot, fullPage: true, clip: { x: 0, y: 0, width: 1280, height: bottom } });
  assert.ok((await stat(screenshot)).size > 20000);
  if (process.env.UPDATE_SCREENSHOT === '1') {
    await mkdir(path.join(root, 'docs'), { recursive: true });
    await copyFile(screenshot, path.join(root, 'docs/demo.png'));
  }
  await page.close();
});

test('at phone width (390 px) nothing scrolls sideways, also with an event in the panel', async () => {
  const page = await openDemo({ width: 390, height: 844 });
  await page.click('text=Pull a gem');
  await page.locator('#recent li.event').first().waitFor();
  await page.waitForSelector('#chart rect[data-event]', { state: 'attached' });
  const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(widths.scroll <= widths.client, `the page is ${widths.scroll} px wide in a ${widths.client} px window`);
  await page.close();
});

test('no console errors on any page (a favicon, Vue and the bundle all served by the receiver)', () => {
  assert.deepEqual(consoleErrors, []);
});
