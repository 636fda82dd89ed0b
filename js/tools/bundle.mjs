// Makes the one-file browser module (build/web/internal-events.js, which the npm package links) from
// js/src: the modules joined in dependency order in one scope, then minified by terser. Joining
// by hand is enough because js/src is small, imports only its own files with one-line imports,
// and declares each top-level name once (checked below); a bundler would be a dependency more.
//   node js/tools/bundle.mjs OUT.js
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const src = path.join(path.dirname(fileURLToPath(import.meta.url)), '../src');
const ORDER = ['wasm_core.js', 'fallback_core.js', 'console_notes.js', 'consent.js', 'identity.js', 'delivery.js', 'internal_events.js', 'index.js'];
const PUBLIC = 'export { InternalEvents, createInternalEvents, InternalEvents as default };\n';

const out = process.argv[2];
if (!out) {
  console.error('usage: node js/tools/bundle.mjs OUT.js');
  process.exit(2);
}

let minify;
try {
  ({ minify } = await import('terser'));
} catch {
  console.error('bundle: terser is missing from node_modules; run scripts/bootstrap.sh (npm install) first');
  process.exit(1);
}

const seen = new Map();
const parts = [];
for (const file of ORDER) {
  let text = await readFile(path.join(src, file), 'utf8');
  text = text.replace(/^import .* from '\.\/[a-z_]+\.js';\n/gm, '');
  text = text.replace(/^export (\{[^}]*\}|default [^;]*);\n/gm, '');
  text = text.replace(/^export (?=(async )?(function|const|let|class) )/gm, '');
  if (/^(import|export) /m.test(text)) {
    console.error(`bundle: ${file} has an import or export this script cannot join; keep them on one line`);
    process.exit(1);
  }
  for (const [, name] of text.matchAll(/^(?:async function|function|const|let|class) ([A-Za-z_$][\w$]*)/gm)) {
    if (seen.has(name)) {
      console.error(`bundle: ${name} is declared in both ${seen.get(name)} and ${file}; rename one`);
      process.exit(1);
    }
    seen.set(name, file);
  }
  parts.push(text);
}

const joined = parts.join('\n') + PUBLIC;
const result = await minify(joined, { module: true, ecma: 2020, compress: { passes: 2 }, mangle: true });
await mkdir(path.dirname(path.resolve(out)), { recursive: true });
await writeFile(out, result.code + '\n');
