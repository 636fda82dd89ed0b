// Snowplow's own browser tracker against the receiver as a collector, end to end: headless Chromium
// loads a page from a second loopback server (another origin), the page runs the real
// @snowplow/browser-tracker from node_modules (bundled here with esbuild, which vite brings) and
// sends structured events cross-origin with credentials, by POST (tp2) and by GET (/i), to the real
// `internal-events serve` (fresh SQLite store, config/ definitions, --allowed-origins the page's
// origin, --collector a local sink). Checked: the counters, the CORS answers the browser got, the
// page's console, and what the receiver forwarded to the sink (user ids pseudonymised).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { build } from 'esbuild';

import { launch } from './support/browser.mjs';
import { startCollectorSink } from '../support/collector_sink.mjs';
import { SUGGESTION, root, sqliteArgs, startReceiver, stop, total } from '../http/receiver.mjs';

const STANDARD = 'iglu:com.gitlab/gitlab_standard/jsonschema/1-1-7';
const PSEUDONYM = /^[A-Za-z0-9+/]{43}=$/;

const PAGE = `<!doctype html>
<html>
<head><meta charset="utf-8"><title>Snowplow tracker on another origin</title><link rel="icon" href="data:,"></head>
<body>
<script type="module">
  import * as snowplow from '/snowplow.js';
  const endpoint = new URLSearchParams(location.search).get('endpoint');
  snowplow.newTracker('sp', endpoint, { appId: 'e2e', eventMethod: 'post', bufferSize: 1 });
  snowplow.newTracker('spget', endpoint, { appId: 'e2e', eventMethod: 'get', bufferSize: 1 });
  window.snowplow = snowplow;
  document.body.dataset.ready = 'true';
</script>
</body>
</html>
`;

let work;       // temporary folder: the bundle and the receiver's store
let sink;
let site;       // the page's server
let siteOrigin;
let receiver;
let browser;

// The browser tracker as one ES module for the page, from node_modules, offline.
async function bundleTracker(outfile) {
  await build({
    stdin: {
      contents: "export { newTracker, trackStructEvent, flushBuffer } from '@snowplow/browser-tracker';",
      resolveDir: root,
      loader: 'js',
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2019',
    outfile,
    logLevel: 'silent',
  });
}

async function startSite(bundle) {
  const script = await readFile(bundle);
  const server = createServer((request, response) => {
    const { pathname } = new URL(request.url, 'http://site');
    if (request.method === 'GET' && pathname === '/') {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end(PAGE);
    } else if (request.method === 'GET' && pathname === '/snowplow.js') {
      response.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' });
      response.end(script);
    } else {
      response.writeHead(404, { 'Content-Type': 'text/plain' });
      response.end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'internal-events-snowplow-browser-'));
  const bundle = path.join(work, 'snowplow.js');
  await bundleTracker(bundle);
  site = await startSite(bundle);
  siteOrigin = `http://127.0.0.1:${site.address().port}`;
  sink = await startCollectorSink();
  receiver = await startReceiver([...sqliteArgs(work), '--allowed-origins', siteOrigin, '--collector', sink.url], { dir: work });
  assert.notEqual(new URL(receiver.url).origin, siteOrigin, 'the page must be on another origin than the receiver');
  browser = await launch();
});

after(async () => {
  await browser?.close();
  if (receiver) await stop(receiver);
  await sink?.close();
  site?.closeAllConnections();
  if (site) await new Promise((resolve) => site.close(resolve));
  if (work) await rm(work, { recursive: true, force: true });
});

// A fresh page from the site, with what it logs, what it sent to the receiver and what came back.
async function openPage() {
  const page = await browser.page();
  const problems = [];   // console errors and uncaught exceptions
  const sent = [];       // every event the browser sent to the receiver, decoded
  const requests = [];   // the browser's requests to the receiver's collector routes
  const answers = [];    // the receiver's answers the page saw
  page.on('console', (message) => { if (message.type() === 'error') problems.push(`console: ${message.text()}`); });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('requestfailed', (request) => problems.push(`request failed: ${request.method()} ${request.url()}: ${request.failure()?.errorText}`));
  page.on('request', (request) => {
    if (!request.url().startsWith(receiver.url)) return;
    const url = new URL(request.url());
    if (['/com.snowplowanalytics.snowplow/tp2', '/i'].includes(url.pathname)) requests.push({ method: request.method(), path: url.pathname });
    if (request.method() === 'POST' && url.pathname === '/com.snowplowanalytics.snowplow/tp2') {
      sent.push(...JSON.parse(request.postData()).data.map((event) => ({ via: 'POST', ...event })));
    } else if (request.method() === 'GET' && url.pathname === '/i') {
      sent.push({ via: 'GET', ...Object.fromEntries(url.searchParams) });
    }
  });
  page.on('response', async (response) => {
    if (!response.url().startsWith(receiver.url)) return;
    const request = response.request();
    answers.push({ method: request.method(), path: new URL(response.url()).pathname, status: response.status(), headers: await response.allHeaders() });
  });
  await page.goto(`${siteOrigin}/?${new URLSearchParams({ endpoint: receiver.url })}`);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached' });
  return { page, problems, sent, requests, answers };
}

function track(page, tracker, events) {
  return page.evaluate(({ tracker, events, schema }) => {
    for (const { category, action, label, user_id } of events) {
      window.snowplow.trackStructEvent({ category, action, label, context: [{ schema, data: { user_id, project_id: 7 } }] }, [tracker]);
    }
    window.snowplow.flushBuffer({}, [tracker]);
  }, { tracker, events, schema: STANDARD });
}

async function waitUntil(what, check, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Polls the counter until it reaches `expected`; returns the last value read.
async function counterReaches(expected, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  let value;
  for (;;) {
    value = await total(receiver, SUGGESTION);
    if (value >= expected || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Contexts travel as cx (base64url JSON) or co (plain JSON): the browser tracker sends co by POST
// (encodeBase64 defaults to eventMethod !== 'post') and cx by GET.
const decodeContexts = (cx) => JSON.parse(Buffer.from(cx, 'base64url').toString('utf8'));
const contextsOf = (event) => (event.cx !== undefined ? decodeContexts(event.cx) : JSON.parse(event.co));
const standardIn = (contexts) => contexts.data.find((context) => context.schema === STANDARD)?.data;
const standardOf = (cx) => standardIn(decodeContexts(cx));

// The events' journey for one method: counted, answered with CORS for the page, forwarded pseudonymised.
async function sendAndCheck({ tracker, method, path: route, labels }) {
  const { page, problems, sent, requests, answers } = await openPage();
  try {
    const before = await total(receiver, SUGGESTION);
    const events = labels.map((label) => ({ category: 'E2EBrowser', action: SUGGESTION, label, user_id: 5 }));
    await track(page, tracker, events);

    await waitUntil(`the browser to send ${events.length} events by ${method}`, () => sent.length >= events.length);
    assert.ok(sent.every((event) => event.via === method), `sent by ${method} only: ${sent.map((event) => event.via)}`);
    assert.equal(sent.length, events.length);
    assert.deepEqual(sent.map((event) => event.se_la).sort(), [...labels].sort());
    for (const event of sent) {
      assert.equal(event.e, 'se');
      assert.equal(event.aid, 'e2e');
      assert.ok(method === 'POST' ? event.co : event.cx, `the ${method} event carries its contexts as ${method === 'POST' ? 'co' : 'cx'}`);
      assert.equal(standardIn(contextsOf(event)).user_id, 5, 'the browser sent the raw user id');
    }

    assert.equal(await counterReaches(before + events.length), before + events.length, `${method}: the counter rose by the events sent`);

    // The page saw the receiver's answers, each with the CORS headers for a credentialed request.
    // (The tracker may put events queued together into one POST: one answer per request.)
    assert.ok(requests.length >= 1 && requests.every((request) => request.method === method && request.path === route), JSON.stringify(requests));
    await waitUntil(`the receiver's ${requests.length} answers to reach the page`,
      () => answers.length >= requests.length || problems.length > 0);
    const ours = answers.filter((answer) => answer.method === method && answer.path === route);
    assert.equal(ours.length, requests.length, `answers seen: ${JSON.stringify(answers)}; problems: ${problems}`);
    for (const answer of ours) {
      assert.equal(answer.status, 200, JSON.stringify(answer));
      assert.equal(answer.headers['access-control-allow-origin'], siteOrigin, JSON.stringify(answer.headers));
      assert.equal(answer.headers['access-control-allow-credentials'], 'true', JSON.stringify(answer.headers));
      if (method === 'GET') assert.equal(answer.headers['content-type'], 'image/gif');
    }

    // Forwarded to the collector: the same events, the user id pseudonymised, the rest intact.
    const eids = new Set(sent.map((event) => event.eid));
    const forwarded = await waitUntil(`the sink to receive the ${method} events`, () => {
      const found = sink.received.filter((event) => eids.has(event.eid));
      return found.length >= eids.size && found;
    }, 20000);
    assert.equal(forwarded.length, eids.size, 'each event forwarded once');
    for (const event of forwarded) {
      assert.equal(event.e, 'se');
      assert.equal(event.se_ac, SUGGESTION);
      assert.equal(event.se_ca, 'E2EBrowser');
      assert.ok(labels.includes(event.se_la), event.se_la);
      // The receiver keeps the form it was given (co from the POST, cx from the GET); either is payload_data.
      assert.ok((event.cx === undefined) !== (event.co === undefined), `a forwarded event needs exactly one of cx, co: ${JSON.stringify(event)}`);
      const contexts = contextsOf(event);
      const standard = standardIn(contexts);
      assert.ok(standard, `no gitlab_standard context in ${JSON.stringify(contexts)}`);
      assert.equal(typeof standard.user_id, 'string');
      assert.match(standard.user_id, PSEUDONYM);
      assert.notEqual(standard.user_id, '5');
      assert.equal(standard.project_id, 7);
      assert.ok(!/"user_id":"?5"?[,}]/.test(JSON.stringify(contexts)), 'the raw user id was forwarded');
    }
    // One user, one pseudonym.
    assert.equal(new Set(forwarded.map((event) => standardIn(contextsOf(event)).user_id)).size, 1);

    assert.deepEqual(problems, [], 'no console errors, page errors or failed requests');
    return forwarded;
  } finally {
    await page.close();
  }
}

let postPseudonym;

test('POST (tp2): the browser tracker on another origin is counted, answered with CORS credentials, forwarded pseudonymised', async () => {
  const forwarded = await sendAndCheck({ tracker: 'sp', method: 'POST', path: '/com.snowplowanalytics.snowplow/tp2', labels: ['diff', 'overview'] });
  postPseudonym = standardIn(contextsOf(forwarded[0])).user_id;
});

test('GET (/i): the browser tracker on another origin is counted, answered with a GIF and CORS credentials, forwarded pseudonymised', async () => {
  const forwarded = await sendAndCheck({ tracker: 'spget', method: 'GET', path: '/i', labels: ['diff'] });
  assert.ok(forwarded.every((event) => event.cx), 'GET events are forwarded with base64url cx');
  if (postPseudonym) assert.equal(standardOf(forwarded[0].cx).user_id, postPseudonym, 'the same user has the same pseudonym by POST and GET');
});
