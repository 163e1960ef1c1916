#!/usr/bin/env -S node --max-semi-space-size=4
// msim's executable: loads the compiled CLI (npm install builds it); the version is answered without loading it.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
if (args.length === 1 && ['--version', '-v', '-V'].includes(args[0])) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
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
}
