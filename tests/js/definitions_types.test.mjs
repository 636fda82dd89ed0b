// `internal-events definitions types`: the declarations it writes make call sites checked at
// compile time. tsc (typescript from node_modules) accepts the good calls and reports each bad
// one, against the npm package's own index.d.ts; g++ compiles a good C++ call site against the
// real tracker.hpp and refuses a misspelt event, a mistyped or undeclared property, a missing
// required one and a float id, one compile each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const binary = process.env.INTERNAL_EVENTS_BINARY ?? path.join(root, 'build/native/internal-events');
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');

// The demo's definitions and one event with what only our extension says: a custom property's
// type, and a required property.
const PUBLISH = `---
description: A package was published
internal_events: true
action: publish_package
identifiers:
- user
additional_properties:
  label:
    description: The package format
    required: true
  version_count:
    description: Versions the package has
    type: number
  signed:
    description: Whether it was signed
    type: boolean
`;

function workspace(t) {
  const dir = mkdtempSync(path.join(tmpdir(), 'ie-types-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(path.join(root, 'config'), path.join(dir, 'config'), { recursive: true });
  writeFileSync(path.join(dir, 'config/events/publish_package.yml'), PUBLISH);
  return dir;
}

function generate(dir, ...args) {
  const result = spawnSync(binary, ['definitions', 'types', path.join(dir, 'config'), '--out', dir, ...args], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

// An app folder whose node_modules/internal-events holds the package's types, as npm lays it out.
function typescriptApp(dir, files) {
  const app = path.join(dir, 'app');
  mkdirSync(path.join(app, 'node_modules/internal-events'), { recursive: true });
  for (const file of ['package.json', 'index.d.ts']) copyFileSync(path.join(root, 'js', file), path.join(app, 'node_modules/internal-events', file));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(app, name), text);
  writeFileSync(path.join(app, 'package.json'), '{ "type": "module", "private": true }\n');
  writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, target: 'es2022', module: 'preserve', moduleResolution: 'bundler', lib: ['es2022', 'dom'], types: [] },
    files: Object.keys(files),
  }));
  const result = spawnSync(process.execPath, [tsc, '-p', app, '--pretty', 'false'], { cwd: app, encoding: 'utf8' });
  return { code: result.status, output: result.stdout + result.stderr };
}

const GOOD_TS = `import { InternalEvents } from 'internal-events';
InternalEvents.track_event('pull_package', { label: 'npm' });
InternalEvents.track_event('pull_package', { label: 'npm', property: 'deploy_token', value: 2.5, package_version_count: 3 }, 'Registry');
InternalEvents.track_event('i_code_review_user_apply_suggestion');
InternalEvents.trackEvent('publish_package', { label: 'npm', version_count: 2, signed: true });
InternalEvents.mixin().methods.trackEvent('i_analytics_dev_ops_adoption', { value: 1 });
`;

// One mistake a line, each of which tsc must report on its own line.
const BAD_TS = [
  "InternalEvents.track_event('pull_packge', { label: 'npm' });",          // no such event
  "InternalEvents.track_event('pull_package', { label: 5 });",             // label is a string
  "InternalEvents.track_event('pull_package', { value: 'big' });",         // value is a number
  "InternalEvents.track_event('pull_package', { colour: 'red' });",        // not declared
  "InternalEvents.track_event('publish_package', { version_count: 1 });",  // label is required
  "InternalEvents.track_event('publish_package');",                        // so are the properties
  "InternalEvents.track_event('publish_package', { label: 'npm', signed: 'yes' });",  // signed is a boolean
];

test('the TypeScript declarations make tsc check event names and properties', (t) => {
  const dir = workspace(t);
  assert.match(generate(dir, '--lang', 'ts'), /^wrote .*internal-events-events\.d\.ts \(4 events\)$/m);
  const declarations = readFileSync(path.join(dir, 'internal-events-events.d.ts'), 'utf8');

  const good = typescriptApp(dir, { 'internal-events-events.d.ts': declarations, 'good.ts': GOOD_TS });
  assert.equal(good.code, 0, `tsc refused the good call sites:\n${good.output}`);

  rmSync(path.join(dir, 'app'), { recursive: true });
  const bad = typescriptApp(dir, {
    'internal-events-events.d.ts': declarations,
    'bad.ts': `import { InternalEvents } from 'internal-events';\n${BAD_TS.join('\n')}\n`,
  });
  assert.notEqual(bad.code, 0);
  const reported = new Set([...bad.output.matchAll(/^bad\.ts\((\d+),\d+\): error TS\d+/gm)].map((match) => Number(match[1])));
  BAD_TS.forEach((line, i) => assert.ok(reported.has(i + 2), `tsc did not report line ${i + 2}, ${line}:\n${bad.output}`));
});

test('without the declarations, the package still takes any event name', (t) => {
  const dir = workspace(t);
  const untyped = typescriptApp(dir, { 'untyped.ts': `import { InternalEvents } from 'internal-events';\n${BAD_TS.slice(0, 1).join('\n')}\n` });
  assert.equal(untyped.code, 0, untyped.output);
});

function compile(dir, source) {
  const file = path.join(dir, 'call_site.cpp');
  writeFileSync(file, `#include "internal_events_events.hpp"\n${source}`);
  const result = spawnSync('g++', ['-std=c++20', '-Wall', '-Wextra', '-Werror', '-fsyntax-only', '-fmax-errors=100',
    '-DINTERNAL_EVENTS_VERSION="test"', `-I${root}`, `-I${dir}`, file], { encoding: 'utf8' });
  return { code: result.status, output: result.stderr.replace(/[‘’]/g, "'") };
}

const GOOD_CPP = `bool call(ie::Tracker& tracker) {
  const std::int64_t user_id = 1;
  ie::events::pull_package(tracker, {.user = user_id, .project = 7}, {.label = "npm", .value = 2.5});
  ie::events::pull_package(tracker, {.user = 1}, {.label = std::string("npm"), .package_version_count = true});
  ie::events::i_code_review_user_apply_suggestion(tracker);
  return ie::events::publish_package(tracker, {.user = 1}, {.label = "npm", .signed_ = true, .version_count = 3});
}
`;

// One mistake a function, on its own line (the header's include is line 1), each of which g++
// must report there.
const BAD_CPP = [
  'void a(ie::Tracker& tracker) { ie::events::pull_packge(tracker, {.user = 1}, {.label = "npm"}); }',  // no such event
  'void b(ie::Tracker& tracker) { ie::events::pull_package(tracker, {.user = 1}, {.label = 5}); }',     // label is a string
  'void c() { ie::event_properties::pull_package p{.value = "big"}; (void)p; }',                        // value is a number
  'void d() { ie::event_properties::pull_package p{.colour = "red"}; (void)p; }',                       // not declared
  'void e() { ie::event_properties::publish_package p{.version_count = 1}; (void)p; }',                 // label is required
  'void f() { ie::event_identifiers::pull_package ids{.user = 1.5}; (void)ids; }',                      // ids are integers
  'void g() { ie::event_identifiers::publish_package ids{.project = 7}; (void)ids; }',                  // only user is declared
  'void h() { ie::event_properties::publish_package p{.label = "npm", .signed_ = 1}; (void)p; }',       // signed is a boolean
];

test('the C++ header compiles a good call site and refuses bad ones', (t) => {
  const dir = workspace(t);
  assert.match(generate(dir, '--lang', 'cpp'), /^wrote .*internal_events_events\.hpp \(4 events\)$/m);
  const good = compile(dir, GOOD_CPP);
  assert.equal(good.code, 0, `g++ refused the good call site:\n${good.output}`);

  // GitLab's own definitions (../shared/gitlab-definitions): events without identifiers or
  // properties, custom properties without a type; the header compiles warning-free.
  const corpus = path.join(dir, 'corpus');
  mkdirSync(corpus);
  const written = spawnSync(binary, ['definitions', 'types', path.resolve(root, '../shared/gitlab-definitions/config'), '--lang', 'cpp', '--out', corpus],
    { encoding: 'utf8' });
  assert.equal(written.status, 0, written.stderr);
  const gitlab = compile(corpus, 'bool call(ie::Tracker& tracker) { return ie::events::create_ssh_key(tracker, {.user = 1}, {.creation_source = "ui"}); }\n');
  assert.equal(gitlab.code, 0, `g++ refused the header of GitLab's definitions:\n${gitlab.output}`);

  const bad = compile(dir, `${BAD_CPP.join('\n')}\n`);
  assert.notEqual(bad.code, 0);
  const reported = new Set([...bad.output.matchAll(/^\S*call_site\.cpp:(\d+):\d+: error:/gm)].map((match) => Number(match[1])));
  BAD_CPP.forEach((line, i) => assert.ok(reported.has(i + 2), `g++ did not report line ${i + 2}, ${line}:\n${bad.output}`));
  assert.match(bad.output, /'pull_packge' is not a member of 'ie::events'/);
  assert.match(bad.output, /could not convert '"big"' from 'const char \[4\]' to 'ie::typed::Optional<ie::typed::Number>'/);
});
