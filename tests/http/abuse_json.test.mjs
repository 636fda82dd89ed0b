// Hostile JSON (#18, point 4): nesting 100 000 deep, 10 MB of whitespace, ill-formed UTF-8 and lone
// surrogates, and ids that do not fit (1e400, 2^64, -1). Each is a clear 4xx or a rejected entry;
// the good events of the same batch are counted, no id wraps around into a count, and the
// receiver keeps answering.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { healthy, memoryReturns, rssKb } from './abuse_support.mjs';
import { SUGGESTION, answer, metric, post, receiverFor, total } from './receiver.mjs';

const good = (user) => ({ event: SUGGESTION, user_id: user });
const uniqueUsers = async (receiver) => (await metric(receiver, { event: SUGGESTION, unique: 'user.id', time_frame: 'current_week' })).json.value;

// A fresh receiver, warmed up by one counted event and by `warm` ([route, body] pairs: a body as
// large as the case's, whose buffers the allocator keeps for the next), and the memory it then holds.
async function warmReceiver(t, args = [], warm = []) {
  const receiver = await receiverFor(t, args);
  assert.equal((await post(receiver, 'track_event', good(1))).status, 200);
  for (const [route, body] of warm) await (await post(receiver, route, body)).text();
  await healthy(receiver);
  return { receiver, baseline: rssKb(receiver) };
}

test('nesting 100 000 deep is 400 at the byte where it goes too deep, not a crash', async (t) => {
  const deep = 100000;
  const bodies = [
    ['track_events', `{"events":${'['.repeat(deep)}${']'.repeat(deep)}}`],
    ['track_events', `{"events":[${'{"a":'.repeat(deep)}1${'}'.repeat(deep)}]}`],
    ['track_event', `{"event":"${SUGGESTION}","additional_properties":{"label":${'['.repeat(deep)}${']'.repeat(deep)}}}`],
    ['track_event', '['.repeat(deep)],
  ];
  const { receiver, baseline } = await warmReceiver(t, [], bodies);
  for (const [route, body] of bodies) {
    const { status, json } = await answer(await post(receiver, route, body));
    assert.equal(status, 400, body.slice(0, 60));
    assert.match(json.error, /^invalid JSON at byte \d+: more than 64 arrays and objects inside each other$/);
  }
  await healthy(receiver);
  assert.equal((await post(receiver, 'track_event', good(2))).status, 200);
  assert.equal(await total(receiver, SUGGESTION), 2);
  await memoryReturns(receiver, baseline);
});

test('10 MB of whitespace is 413 under the default limit, and read whole under a raised one', async (t) => {
  const spaces = ' '.repeat(10 * 1000 * 1000);
  const over = `${spaces}${JSON.stringify(good(1))}`;
  const { receiver: small, baseline: smallBaseline } = await warmReceiver(t, [], [['track_event', over]]);
  const refused = await answer(await post(small, 'track_event', over));
  assert.equal(refused.status, 413);
  assert.match(refused.json.error, /larger than the limit of 1048576 bytes/);
  await healthy(small);
  await memoryReturns(small, smallBaseline);

  const quarter = spaces.slice(0, spaces.length / 4);  // 10 MB in all, around and between the tokens
  const { receiver: large, baseline } = await warmReceiver(t, ['--max-body-bytes', String(16 << 20)], [['track_event', spaces]]);
  const padded = await answer(await post(large, 'track_events', `${quarter}{"events":[${quarter}${JSON.stringify(good(1))}${quarter}]}${quarter}`));
  assert.equal(padded.status, 200);
  assert.deepEqual(padded.json, { accepted: 1, rejected: [] });
  const blank = await answer(await post(large, 'track_event', spaces));
  assert.equal(blank.status, 400);
  assert.match(blank.json.error, /^invalid JSON at byte 10000001: .*end of input/);
  await healthy(large);
  assert.equal(await total(large, SUGGESTION), 2);
  await memoryReturns(large, baseline);
});

test('ill-formed UTF-8 and lone surrogates are 400 naming the byte', async (t) => {
  const { receiver, baseline } = await warmReceiver(t);
  const prefix = `{"event":"${SUGGESTION}","additional_properties":{"label":"`;
  const at = Buffer.byteLength(prefix) + 1;  // the first byte of the label's text, counted from 1
  const cases = [
    [Buffer.from([0xff]), `ill-formed UTF-8: .* cannot start a character`],
    [Buffer.from([0xc3]), 'ill-formed UTF-8'],                 // cut short by the closing quote
    [Buffer.from([0xc0, 0x80]), 'ill-formed UTF-8'],           // an overlong NUL
    [Buffer.from([0xed, 0xa0, 0x80]), 'ill-formed UTF-8'],     // a surrogate encoded as UTF-8
    [Buffer.from([0xf4, 0x90, 0x80, 0x80]), 'ill-formed UTF-8'],  // past U+10FFFF
    [Buffer.from('\\ud800'), 'high surrogate without a low one'],
    [Buffer.from('\\udc00'), 'low surrogate without a high one'],
    [Buffer.from('\\ud800\\u0041'), 'high surrogate without a low one'],
  ];
  for (const [bytes, problem] of cases) {
    const body = Buffer.concat([Buffer.from(prefix), bytes, Buffer.from('"}}')]);
    const response = await fetch(`${receiver.url}/api/v4/usage_data/track_event`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    const { status, json } = await answer(response);
    assert.equal(status, 400, bytes.toString('hex'));
    const match = /^invalid JSON at byte (\d+): (.*)$/.exec(json.error);
    assert.ok(match, json.error);
    assert.ok(Number(match[1]) >= at && Number(match[1]) <= at + bytes.length, `${bytes.toString('hex')}: ${json.error}`);
    assert.match(match[2], new RegExp(problem));
  }
  // A well-formed pair, and characters of every length, are fine.
  assert.equal((await post(receiver, 'track_event', `${prefix}\\ud83d\\ude00 é € 😀"}}`)).status, 200);
  assert.equal(await total(receiver, SUGGESTION), 2);
  await healthy(receiver);
  await memoryReturns(receiver, baseline);
});

test('ids of 1e400, 2^64, 2^63 and -1 are refused clearly and never counted; the good events of the batch are', async (t) => {
  const { receiver, baseline } = await warmReceiver(t);
  // 1e400 is beyond any number: the body is refused as a whole.
  const overflow = await answer(await post(receiver, 'track_events', `{"events":[{"event":"${SUGGESTION}","user_id":1e400}]}`));
  assert.equal(overflow.status, 400);
  assert.match(overflow.json.error, /^invalid JSON: number overflow parsing '1e400'/);

  const body = `{"events":[{"event":"${SUGGESTION}","user_id":1},` +
    `{"event":"${SUGGESTION}","user_id":18446744073709551616},` +
    `{"event":"${SUGGESTION}","user_id":18446744073709551615},` +
    `{"event":"${SUGGESTION}","user_id":9223372036854775808},` +
    `{"event":"${SUGGESTION}","user_id":-1},` +
    `{"event":"${SUGGESTION}","user_id":0},` +
    `{"event":"${SUGGESTION}","user_id":2,"project_id":18446744073709551616},` +
    `{"event":"${SUGGESTION}","user_id":3,"project_id":-1},` +
    `{"event":"${SUGGESTION}","user_id":9223372036854775807}]}`;
  const { status, json } = await answer(await post(receiver, 'track_events', body));
  assert.equal(status, 200);
  assert.equal(json.accepted, 3);  // users 1, 0 and 2^63 - 1
  assert.deepEqual(json.rejected.map((r) => r.index), [1, 2, 3, 4, 6, 7]);
  for (const index of [0, 1, 2]) assert.match(json.rejected[index].error, /user must be an integer id, not float/);
  assert.match(json.rejected[3].error, /user must not be negative, not -1/);
  assert.match(json.rejected[4].error, /project must be an integer id, not float/);
  assert.match(json.rejected[5].error, /project must not be negative, not -1/);
  assert.equal(await total(receiver, SUGGESTION), 4);  // with the warm-up's user 1
  assert.equal(await uniqueUsers(receiver), 3);

  // On the single route an id that does not fit is a 422 naming it.
  const single = await answer(await post(receiver, 'track_event', `{"event":"${SUGGESTION}","user_id":-1}`));
  assert.equal(single.status, 422);
  assert.match(single.json.error, /user must not be negative, not -1/);
  assert.equal(await total(receiver, SUGGESTION), 4);
  await healthy(receiver);
  await memoryReturns(receiver, baseline);
});
