// The browser module's benchmark (bench/browser.sh runs it; it prints, it never fails a build):
// transferred size, main-thread time per call and requests per 100 events, each beside
// Snowplow's browser tracker (@snowplow/browser-tracker from npm) measured in the same run and
// the same Chromium page, served by the real receiver (which also takes Snowplow's tp2 POSTs).
import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { copyFile, mkdtemp, cp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { launch } from '../../tests/e2e/support/browser.mjs';
import { root, startReceiver } from '../../tests/e2e/support/receiver.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const snowplowBundle = path.join(root, 'node_modules/@snowplow/browser-tracker/dist/index.umd.min.js');
const BATCH_SIZE = 10;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 41);
const CALLS = Number(process.env.BENCH_CALLS ?? 100);
const SIZE_CEILING = 20 * 1024;

const gzipped = (file) => Number(execFileSync('sh', ['-c', 'gzip -9 -c < "$1" | wc -c', 'sh', file], { encoding: 'utf8' }).trim());

// Counts the POSTs a page makes to a path while `action` runs and the network settles after it.
async function requestsDuring(page, pathPart, action) {
  let count = 0;
  let last = Date.now();
  const listener = (request) => {
    if (request.method() === 'POST' && request.url().includes(pathPart)) {
      count += 1;
      last = Date.now();
    }
  };
  page.on('request', listener);
  await action();
  while (Date.now() - last < 1500) await new Promise((resolve) => setTimeout(resolve, 100));
  page.off('request', listener);
  return count;
}

const work = await mkdtemp(path.join(tmpdir(), 'internal-events-bench-'));
const site = path.join(work, 'site');
await cp(path.join(here, 'site'), site, { recursive: true });
await mkdir(path.join(site, 'vendor'));
await copyFile(snowplowBundle, path.join(site, 'vendor/snowplow-browser-tracker.umd.min.js'));

const receiver = await startReceiver({ pages: site, definitions: path.join(here, 'definitions') });
const browser = await launch();
try {
  const page = await browser.page(`${receiver.url}/index.html`);
  await page.evaluate(() => window.bench.flush());
  const oursRequests = await requestsDuring(page, '/usage_data/track_events', () =>
    page.evaluate(async () => {
      for (let i = 0; i < 100; i++) window.bench.ours(i);
      await window.bench.flush();
    }));
  const theirRequests = await requestsDuring(page, '/com.snowplowanalytics.snowplow/tp2', () =>
    page.evaluate(() => {
      for (let i = 0; i < 100; i++) window.bench.theirs(i);
    }));
  const timing = await page.evaluate(([rounds, calls]) => window.bench.timing(rounds, calls), [ROUNDS, CALLS]);
  const version = await page.evaluate(() => navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? navigator.userAgent);

  const ours = gzipped(path.join(root, 'build/web/internal-events.js')) + gzipped(path.join(root, 'build/web/internal-events.wasm'));
  const theirs = gzipped(snowplowBundle);

  const rows = [
    ['transferred, gzip -9 (bytes)', ours, theirs, `< Snowplow and ≤ ${SIZE_CEILING}`, ours < theirs && ours <= SIZE_CEILING],
    ['main thread per call, median (µs)', timing.ours, timing.theirs, '≤ Snowplow', timing.ours <= timing.theirs],
    ['requests per 100 events', oursRequests, theirRequests, `≤ 100/batchSize = ${100 / BATCH_SIZE}`, oursRequests <= 100 / BATCH_SIZE],
  ];
  const format = (value) => (Number.isInteger(value) ? String(value) : value.toFixed(1));
  console.log(`browser module vs @snowplow/browser-tracker (index.umd.min.js), one ${version} page, ${ROUNDS} rounds of ${CALLS} calls`);
  console.log('| measure | internal-events | Snowplow | ratio | target | met |');
  console.log('|---|---:|---:|---:|---|---|');
  for (const [name, a, b, target, met] of rows) {
    console.log(`| ${name} | ${format(a)} | ${format(b)} | ${(a / b).toFixed(2)} | ${target} | ${met ? 'yes' : 'NO'} |`);
    // bench/report.sh's rows (bench/report_row.sh has the columns).
    if (process.env.BENCH_REPORT) {
      appendFileSync(process.env.BENCH_REPORT, ['browser', name, format(a), format(b), (a / b).toFixed(2), target, met ? 'met' : 'NOT met'].join('\t') + '\n');
    }
  }
  console.log(`sizes: internal-events.js ${gzipped(path.join(root, 'build/web/internal-events.js'))} + internal-events.wasm ${gzipped(path.join(root, 'build/web/internal-events.wasm'))}`);
} finally {
  await browser.close();
  await receiver.stop();
  await rm(work, { recursive: true, force: true });
}
