#!/usr/bin/env node
// msim's executable: loads the compiled CLI (npm install builds it).
import('../dist/cli/main.js').then(
  (cli) => cli.runFromProcess(),
  (err) => {
    if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
      console.error('msim is not built yet: run `npm install` (or `npm run build`) in the msim folder first.');
      process.exitCode = 2;
      return;
    }
    throw err;
  },
);
