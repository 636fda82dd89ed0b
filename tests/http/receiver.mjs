// Starts the real `internal-events serve` for the http suites and talks to it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const binary = process.env.INTERNAL_EVENTS_BINARY ?? path.join(root, 'build/native/internal-events');

// The receiver counts events on its own clock (UTC): reads ask about the same day.
export const TODAY = new Date().toISOString().slice(0, 10);
export const SUGGESTION = 'i_code_review_user_apply_suggestion';

export function tempDir(t) {
  const dir = mkdtempSync(path.join(tmpdir(), 'ie-http-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function writeSecret(dir, name, text) {
  const file = path.join(dir, name);
  writeFileSync(file, `${text}\n`);
  return file;
}

// Resolves once the receiver printed `listening on http://HOST:PORT`.
export function startReceiver(args, { dir }) {
  const child = spawn(binary, ['serve', '--listen', '127.0.0.1:0', '--definitions', 'config', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let output = '';
  let errors = '';
  child.stderr.on('data', (chunk) => { errors += chunk; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no 'listening on' line within 10 s:\n${output}\n${errors}`)), 10000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /^listening on (http:\/\/\S+:\d+)$/m.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1], exited, output: () => output, errors: () => errors, dir });
      }
    });
    exited.then(({ code }) => { clearTimeout(timer); reject(new Error(`serve exited with ${code}:\n${output}\n${errors}`)); });
  });
}

export function sqliteArgs(dir, name = 'x.sqlite3') {
  return ['--store', `sqlite:${path.join(dir, name)}`];
}

// Starts a receiver on a fresh SQLite file and stops it (SIGTERM) when the test ends.
export async function receiverFor(t, extraArgs = []) {
  const dir = tempDir(t);
  const receiver = await startReceiver([...sqliteArgs(dir), ...extraArgs], { dir });
  t.after(() => stop(receiver));
  return receiver;
}

export async function stop(receiver, signal = 'SIGTERM') {
  if (receiver.child.exitCode === null && receiver.child.signalCode === null) receiver.child.kill(signal);
  return receiver.exited;
}

export function post(receiver, route, body, { headers = {}, contentType = 'application/json' } = {}) {
  return fetch(`${receiver.url}/api/v4/usage_data/${route}`, {
    method: 'POST',
    headers: { 'Content-Type': contentType, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export async function answer(response) {
  const text = await response.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: response.status, json, text, headers: response.headers };
}

export async function metric(receiver, query, headers = {}) {
  const response = await fetch(`${receiver.url}/api/v4/usage_data/metrics?${new URLSearchParams({ date: TODAY, ...query })}`, { headers });
  return answer(response);
}

// The total of an event in all time: every counted event adds one.
export async function total(receiver, event, headers = {}) {
  const { status, json } = await metric(receiver, { event, time_frame: 'all' }, headers);
  if (status !== 200) throw new Error(`metrics answered ${status}`);
  return json.value;
}

export function signToken(secretFile, ...args) {
  const result = spawnSync(binary, ['token', '--secret-file', secretFile, ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`token failed: ${result.stderr}`);
  return result.stdout.trim();
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function eventId(n) {
  return `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
}
