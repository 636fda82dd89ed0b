// The real receiver for end-to-end tests: `internal-events serve` on a free loopback port with a
// fresh SQLite store, the test definitions, a site folder and the browser bundle (build/web).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, rm, copyFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// The build's command; INTERNAL_EVENTS_BINARY overrides (as for tests/js/wasm_validation.test.mjs).
export const binary = process.env.INTERNAL_EVENTS_BINARY ??
  [path.join(root, 'build/native/internal-events'), path.join(root, 'build/native/native/internal-events')].find((file) => existsSync(file)) ??
  path.join(root, 'build/native/internal-events');

// The site: the test pages plus Vue 3 and Vue 2.7 from node_modules, copied (not linked) because
// the receiver serves nothing that resolves outside its folders.
async function makeSite(folder, pages) {
  await cp(pages, folder, { recursive: true });
  await mkdir(path.join(folder, 'vendor'), { recursive: true });
  await copyFile(path.join(root, 'node_modules/vue/dist/vue.esm-browser.prod.js'), path.join(folder, 'vendor/vue.esm-browser.prod.js'));
  await copyFile(path.join(root, 'node_modules/vue2/dist/vue.esm.browser.min.js'), path.join(folder, 'vendor/vue2.esm.browser.min.js'));
}

// extraArgs: more `serve` options, e.g. ['--identity-secret-file', FILE].
export async function startReceiver({ pages = path.join(root, 'tests/e2e/pages'), definitions = path.join(root, 'tests/e2e/definitions'),
  extraArgs = [] } = {}) {
  const work = await mkdtemp(path.join(tmpdir(), 'internal-events-e2e-'));
  const site = path.join(work, 'site');
  await makeSite(site, pages);
  const args = ['serve', '--listen', '127.0.0.1:0', '--store', `sqlite:${path.join(work, 'store.sqlite3')}`,
    '--definitions', definitions, '--static', site, '--assets', path.join(root, 'build/web'), ...extraArgs];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the receiver did not say "listening on" within 10 s:\n${output}`)), 10000);
    const read = (chunk) => {
      output += chunk;
      const found = output.match(/listening on (http:\/\/\S+)/);
      if (found) {
        clearTimeout(timer);
        resolve(found[1].replace(/\/$/, ''));
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('error', (error) => reject(new Error(`cannot start ${binary}: ${error.message} (build it with scripts/build.sh)`)));
    child.on('exit', (code) => reject(new Error(`the receiver exited with ${code} before listening:\n${output}`)));
  });
  return {
    url,
    output: () => output,
    // GET /api/v4/usage_data/metrics: the counter's value now.
    async metric(query) {
      const response = await fetch(`${url}/api/v4/usage_data/metrics?${new URLSearchParams(query)}`);
      const body = await response.text();
      if (!response.ok) throw new Error(`metrics ${new URLSearchParams(query)}: HTTP ${response.status} ${body}`);
      return JSON.parse(body).value;
    },
    // Polls until the metric equals `expected` (delivery is asynchronous), then fails with the last value.
    async waitFor(query, expected, timeoutMs = 10000) {
      const deadline = Date.now() + timeoutMs;
      let value;
      for (;;) {
        value = await this.metric(query);
        if (value === expected || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return value;
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
      await rm(work, { recursive: true, force: true });
    },
  };
}

export const total = (event) => ({ event, time_frame: 'all' });
