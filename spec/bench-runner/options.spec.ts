// The benchmark runner (spec/bench/run.mjs) refuses options it does not know before it starts any
// server: a typo would otherwise run the whole ten-minute benchmark without the option. Nothing is
// measured here; each run must stop at once with its error and a non-zero exit code.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUNNER = fileURLToPath(new URL('../../../spec/bench/run.mjs', import.meta.url));

/** Runs the runner with `args`; gives its exit code and stderr (bounded: 20 s). */
function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [RUNNER, ...args], { timeout: 20_000 }, (err, _stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stderr });
    });
  });
}

const CASES: [string[], RegExp][] = [
  [['--quik'], /unknown option --quik/],
  [['--rounds'], /unknown option --rounds \(options:/],
  [['--only=htp'], /--only takes http, ws, micro .* got htp/],
  [['--only=http,'], /--only takes .* got $/m],
  [['--scenario=helo'], /--scenario takes hello, mw, json-post, cookie, static .* got helo/],
  [['--rounds=0'], /--rounds takes a whole number from 1 to 99, got 0/],
  [['--rounds=100'], /--rounds takes a whole number from 1 to 99, got 100/],
  [['--warm=1.5'], /--warm takes whole seconds \(1 or more\), got 1\.5/],
  [['--paired', '--only=ws'], /--paired measures the HTTP scenarios: add http to --only/],
];

for (const [args, message] of CASES) {
  test(`bench runner refuses ${args.join(' ')}`, async () => {
    const { code, stderr } = await run(args);
    assert.notEqual(code, 0, 'the runner must fail');
    assert.match(stderr, message);
  });
}
