// Reads GET /-/events as a listener does: Server-Sent Events parsed into {event, id, data} messages.
import http from 'node:http';

export function openEventStream(receiver, { query = '', headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const request = http.get(`${receiver.url}/-/events${query}`, { headers }, (response) => {
      const messages = [];
      const waiters = [];
      let pending = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => {
        pending += chunk;
        let end;
        while ((end = pending.indexOf('\n\n')) >= 0) {
          const block = pending.slice(0, end);
          pending = pending.slice(end + 2);
          const message = parseBlock(block);
          if (message) messages.push(message);
        }
        for (const waiter of [...waiters]) waiter();
      });
      resolve({
        status: response.statusCode,
        headers: response.headers,
        messages,
        // Resolves with the messages once `predicate(messages)` holds, or rejects after timeoutMs.
        until(predicate, timeoutMs = 5000) {
          return new Promise((done, fail) => {
            const check = () => {
              if (!predicate(messages)) return;
              clearTimeout(timer);
              waiters.splice(waiters.indexOf(check), 1);
              done(messages);
            };
            const timer = setTimeout(() => {
              waiters.splice(waiters.indexOf(check), 1);
              fail(new Error(`the stream did not get there within ${timeoutMs} ms: ${JSON.stringify(messages).slice(0, 500)}`));
            }, timeoutMs);
            waiters.push(check);
            check();
          });
        },
        text: () => new Promise((done) => { let body = ''; response.on('data', (c) => { body += c; }); response.on('end', () => done(body)); }),
        close: () => request.destroy(),
      });
    });
    request.on('error', reject);
  });
}

// One message block: comments (": …") are skipped; a block of comments only is no message.
function parseBlock(block) {
  const message = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':') || line === '') continue;
    const colon = line.indexOf(':');
    const field = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^ /, '');
    message[field] = field === 'data' ? JSON.parse(value) : value;
  }
  return message.event ? message : undefined;
}
