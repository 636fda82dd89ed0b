// A real Redis Cluster for the node suites: `masters` masters (3 or more) and `replicas` (0 or 1)
// replicas of each, redis-server processes on free 127.0.0.1 ports joined by
// `redis-cli --cluster create`, every write fsynced (appendfsync always) so that what a master
// acknowledged survives its SIGKILL. Commands go through redis-cli, so no npm client is needed.
//
//   const cluster = await startRedisCluster({ masters: 3, replicas: 1 });
//   cluster.url;                       // redis-cluster://127.0.0.1:P1,127.0.0.1:P2,…
//   const node = await cluster.killMaster(0);   // SIGKILL the master of slot 0
//   await cluster.waitForFailover();   // its replica serves those slots now
//   await cluster.restart(node);       // it comes back, as a replica
//   await cluster.stop();
//
// It resolves once every node says cluster_state:ok with all 16384 slots, knows every other node,
// sees the same slot map, and every replica's link to its master is up.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const HOST = '127.0.0.1';
const SLOTS = 16384;

export const haveRedisCluster = spawnSync('redis-server', ['--version']).status === 0 &&
  spawnSync('redis-cli', ['--version']).status === 0;

// A child left running by a crashed suite would hold its ports: kill every one still alive at exit.
const living = new Set();
process.on('exit', () => { for (const child of living) child.kill('SIGKILL'); });

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// redis-cli against one node; its output, or an Error naming the command.
function cli(port, ...args) {
  const result = spawnSync('redis-cli', ['-h', HOST, '-p', String(port), ...args], { encoding: 'utf8', timeout: 5000 });
  if (result.status !== 0 || /^(ERR|Could not connect)/m.test(result.stdout)) {
    throw new Error(`redis-cli -p ${port} ${args.join(' ')}: ${(result.stdout + result.stderr).trim() || result.error}`);
  }
  return result.stdout;
}

function field(info, name) {
  const match = info.match(new RegExp(`^${name}:(.*?)\\r?$`, 'm'));
  return match ? match[1] : '';
}

// CLUSTER NODES: <id> <ip:port@cport> <flags> <master> <ping> <pong> <epoch> <link> <slot>…
function parseClusterNodes(text) {
  return text.trim().split('\n').filter(Boolean).map((line) => {
    const fields = line.trim().split(' ');
    const flags = fields[2].split(',');
    const failing = flags.some((flag) => ['fail', 'fail?', 'noaddr'].includes(flag));
    const slotRanges = fields.slice(8).filter((slot) => !slot.startsWith('[')).map((slot) => {
      const [first, last = first] = slot.split('-').map(Number);
      return [first, last];
    }).sort((a, b) => a[0] - b[0]);
    return {
      id: fields[0],
      port: Number(fields[1].split('@')[0].split(':').pop()),
      myself: flags.includes('myself'),
      servesSlots: flags.includes('master') && !failing && slotRanges.length > 0,
      slotRanges,
    };
  });
}

function slotMapSignature(lines) {
  return lines.filter((line) => line.servesSlots).map((line) => `${line.id} ${JSON.stringify(line.slotRanges)}`).sort().join('\n');
}

async function launchNode(node) {
  const child = spawn('redis-server', ['--port', String(node.port), '--bind', HOST, '--dir', node.dir,
    '--logfile', join(node.dir, 'redis.log'), '--save', '', '--appendonly', 'yes', '--appendfsync', 'always',
    '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-port', String(node.busPort),
    '--cluster-node-timeout', String(node.nodeTimeout), '--cluster-replica-validity-factor', '0',
    '--repl-diskless-sync-delay', '0'], { stdio: 'ignore' });
  living.add(child);
  node.child = child;
  node.exited = new Promise((resolve) => child.on('exit', (code, signal) => {
    living.delete(child);
    node.child = null;
    resolve({ code, signal });
  }));
  const deadline = Date.now() + 10000;
  for (;;) {
    if (!node.child) throw new Error(`redis-server on port ${node.port} exited at start-up; see ${node.dir}/redis.log`);
    try {
      if (cli(node.port, 'PING').trim() === 'PONG') return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    await sleep(20);
  }
}

async function stopNode(node, signal = 'SIGTERM') {
  if (!node.child) return;
  const { child, exited } = node;
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

export async function startRedisCluster({ masters = 3, replicas = 0, dir, nodeTimeout = 1000, readyTimeout = 30000 } = {}) {
  if (masters < 3) throw new Error('a Redis Cluster needs at least 3 masters');
  if (replicas !== 0 && replicas !== 1) throw new Error('replicas must be 0 or 1');
  const ownDir = !dir;
  const root = dir ?? mkdtempSync(join(tmpdir(), 'ie-redis-cluster-'));
  const nodes = [];
  let killedIds = [];

  async function stop() {
    await Promise.all(nodes.map((node) => stopNode(node)));
    if (ownDir) rmSync(root, { recursive: true, force: true });
  }

  const running = () => nodes.filter((node) => node.child);
  const anyPort = () => {
    const node = running()[0];
    if (!node) throw new Error('no node of the cluster is running');
    return node.port;
  };
  const nodeOfPort = (port) => nodes.findIndex((node) => node.port === port);

  // The live masters now, ordered by first slot: masters()[0] serves slot 0.
  function mastersNow() {
    return parseClusterNodes(cli(anyPort(), 'CLUSTER', 'NODES')).filter((line) => line.servesSlots)
      .sort((a, b) => a.slotRanges[0][0] - b.slotRanges[0][0])
      .map((line) => ({ node: nodeOfPort(line.port), port: line.port, slotRanges: line.slotRanges }));
  }

  // Why the cluster is not healthy yet, or '' when it is.
  function unhealthy() {
    let firstSignature;
    for (const node of running()) {
      try {
        const info = cli(node.port, 'CLUSTER', 'INFO');
        if (field(info, 'cluster_state') !== 'ok') return `port ${node.port}: cluster_state is not ok`;
        if (field(info, 'cluster_slots_ok') !== String(SLOTS)) return `port ${node.port}: ${field(info, 'cluster_slots_ok')} slots ok`;
        if (field(info, 'cluster_known_nodes') !== String(nodes.length)) return `port ${node.port}: knows ${field(info, 'cluster_known_nodes')} nodes`;
        const lines = parseClusterNodes(cli(node.port, 'CLUSTER', 'NODES'));
        const signature = slotMapSignature(lines);
        firstSignature ??= signature;
        if (signature !== firstSignature) return `port ${node.port}: sees another slot map than its peers`;
        const replication = cli(node.port, 'INFO', 'replication');
        const role = field(replication, 'role');
        if (role === 'master' && !lines.some((line) => line.myself && line.servesSlots)) return `port ${node.port}: a master without slots`;
        if (role === 'slave' && field(replication, 'master_link_status') !== 'up') return `port ${node.port}: replica link not up`;
        // A replica writing its first AOF after a sync refuses SIGTERM ("can't exit"): settled first.
        const persistence = cli(node.port, 'INFO', 'persistence');
        if (['loading', 'aof_rewrite_in_progress', 'aof_rewrite_scheduled'].some((name) => field(persistence, name) !== '0')) {
          return `port ${node.port}: still loading or rewriting its AOF`;
        }
      } catch (error) {
        return error.message;
      }
    }
    return '';
  }

  function notFailedOver() {
    const why = unhealthy();
    if (why) return why;
    for (const node of running()) {
      const stale = parseClusterNodes(cli(node.port, 'CLUSTER', 'NODES')).find((line) => line.servesSlots && killedIds.includes(line.id));
      if (stale) return `port ${node.port} still sees killed master ${stale.id} serve slots`;
    }
    return '';
  }

  async function waitUntil(what, why) {
    const deadline = Date.now() + readyTimeout;
    for (let reason = why(); reason; reason = why()) {
      if (Date.now() > deadline) throw new Error(`the Redis Cluster failed to ${what}: ${reason}`);
      await sleep(20);
    }
  }

  const waitUntilHealthy = () => waitUntil('become healthy', unhealthy);

  try {
    for (let i = 0; i < masters * (1 + replicas); ++i) {
      const node = { port: await freePort(), busPort: await freePort(), dir: join(root, `node-${i}`), nodeTimeout, child: null };
      mkdirSync(node.dir, { recursive: true });
      nodes.push(node);
      await launchNode(node);
    }
    const create = spawnSync('redis-cli', ['--cluster', 'create', ...nodes.map((node) => `${HOST}:${node.port}`),
      '--cluster-replicas', String(replicas), '--cluster-yes'], { encoding: 'utf8', timeout: 60000 });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed:\n${create.stdout}${create.stderr}`);
    for (const node of nodes) node.id = cli(node.port, 'CLUSTER', 'MYID').trim();
    await waitUntilHealthy();
  } catch (error) {
    await stop();
    throw error;
  }

  const seeds = nodes.map((node) => `${HOST}:${node.port}`).join(',');
  return {
    seeds,
    url: `redis-cluster://${seeds}`,
    nodes,
    masters: mastersNow,
    // The port of the master serving `slot` now.
    portForSlot(slot) {
      const master = mastersNow().find((m) => m.slotRanges.some(([first, last]) => first <= slot && slot <= last));
      if (!master) throw new Error(`no live master serves slot ${slot}`);
      return master.port;
    },
    portForKey(key) {
      return this.portForSlot(Number(cli(anyPort(), 'CLUSTER', 'KEYSLOT', key)));
    },
    // SIGKILLs masters()[index]; resolves to its index in nodes once it is dead.
    async killMaster(index) {
      const current = mastersNow();
      if (!current[index]) throw new Error(`killMaster(${index}): there are ${current.length} masters`);
      const node = nodes[current[index].node];
      await stopNode(node, 'SIGKILL');
      killedIds.push(node.id);
      return current[index].node;
    },
    async waitForFailover() {
      await waitUntil('fail over', notFailedOver);
      killedIds = [];
    },
    // Stops (SIGTERM) and starts nodes[index] again on its port and files; resolves when healthy.
    async restart(index) {
      const node = nodes[index];
      await stopNode(node);
      await launchNode(node);
      killedIds = killedIds.filter((id) => id !== node.id);
      await waitUntilHealthy();
    },
    waitUntilHealthy,
    stop,
  };
}
