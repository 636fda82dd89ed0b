// A real redis-server for the node suites, on a loopback port of the caller's, with every write
// fsynced (appendfsync always) so that what it acknowledged survives its SIGKILL.
import { spawn, spawnSync } from 'node:child_process';

export const haveRedis = spawnSync('redis-server', ['--version']).status === 0;

export function startRedis(port, dir) {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes',
    '--appendfsync', 'always', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (/Ready to accept connections/.test(output)) {
        clearTimeout(timer);
        resolve({ child, exited });
      }
    });
  });
}

export async function killRedis(redis) {
  redis.child.kill('SIGKILL');
  await redis.exited;
}

