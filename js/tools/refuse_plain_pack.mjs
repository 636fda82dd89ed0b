// prepack of the source folder: plain `npm pack` here would leave out internal-events.js and
// internal-events.wasm (symbolic links to build/web, which npm pack skips) and ship a package
// that cannot load; `npm run tarball` stages the real files outside the tree instead.
console.error('internal-events: plain npm pack would leave out the links to build/web; run `npm run tarball -- --pack-destination DIR` in js/');
process.exit(1);
