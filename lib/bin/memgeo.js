#!/usr/bin/env node
// `npx memgeo …`: a committed entry point, so npm can link the bin at install time (lib/dist is built
// afterwards by `prepare`). The CLI itself is lib/src/cli/main.ts.
'use strict';
let cli;
try {
  cli = require('../dist/cli/main.js');
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND') {
    console.error("memgeo: the library is not built (lib/dist missing); run 'npm run build' (or 'npm ci') in the repository");
    process.exit(1);
  }
  throw err;
}
cli.main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
