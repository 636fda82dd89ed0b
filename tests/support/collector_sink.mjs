// A small Snowplow collector for the tests: it records every event of every payload_data POST it
// answers 2xx, and can be told to fail for a while (status N for the next requests, or hang).
// Snowplow's own collector needs a JVM and is not packaged; this one is enough to see what the
// receiver's emitter sends and how it reacts to answers.
import http from 'node:http';
import https from 'node:https';

// `port`: listen on that one (a collector coming back where the receiver expects it); else a free one.
export async function startCollectorSink({ tls, port: wanted = 0 } = {}) {
  const received = [];   // every event object, in arrival order
  const bodies = [];     // every accepted body, parsed
  let requests = 0;
  let mode = { status: 200 };
  const hanging = new Set();

  const handler = (request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', () => {
      requests += 1;
      const current = mode;
      if (current.times !== undefined && --current.times <= 0) mode = { status: 200 };
      if (current.hang) {
        hanging.add(response);
        return;
      }
      if (current.retryAfter !== undefined) response.setHeader('Retry-After', String(current.retryAfter));
      const status = current.status ?? 200;
      if (status >= 200 && status < 300 && request.url === '/com.snowplowanalytics.snowplow/tp2') {
        const parsed = JSON.parse(body);
        bodies.push(parsed);
        received.push(...parsed.data);
      }
      response.writeHead(status, { 'Content-Type': 'text/plain' });
      response.end(status < 300 ? 'ok' : `refused with ${status}`);
    });
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise((resolve) => server.listen(wanted, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    received,
    bodies,
    get requests() { return requests; },
    setMode(next) { mode = { ...next }; },
    async waitFor(count, timeoutMs = 20000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`the sink received ${received.length} of ${count} events within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return received;
    },
    close() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
