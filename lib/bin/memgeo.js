#!/usr/bin/env node
// Committed entry point for `npx memgeo`: npm links bins at install time, before `prepare` has built
// lib/dist, so the bin must be a file that exists in a fresh clone.
'use strict';
let main;
try {
  ({ main } = require('../dist/cli/main.js'));
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && /dist[\\/]cli[\\/]main/.test(String(err.message))) {
    console.error("memgeo: the library is not built yet; run 'npm run build' (or 'npm ci') in the repository root");
    process.exit(2);
  }
  throw err;
}
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
