#!/usr/bin/env node
// Runs the browser suite: every tests/web/*.test.mjs under node's own test
// runner, against the binary named by REXIAN_BIN (default build/asan/rexian),
// in Debian's Chromium. Prints TAP, ending with node's "# pass N" and
// "# fail N" lines (tests/run-all reads them). A missing Chromium, a missing
// web/vendor (make web) or a missing binary is a failure, never a skip.
//
//   node tests/web/run.mjs                   # everything
//   node tests/web/run.mjs security          # only tests/web/security.test.mjs
//   REXIAN_DOC_SHOTS=1 node tests/web/run.mjs  # also refresh docs/images/*.png
//   REXIAN_WEB_SLOW_EFFECTS=300 node tests/web/run.mjs
//                                  # every effect 300 ms late (helpers.mjs),
//                                  # to bring out races that CI hits rarely
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..', '..');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

function fail(msg) {
  console.log(`not ok 1 - ${msg}`);
  console.log('1..1\n# tests 1\n# pass 0\n# fail 1');
  console.error('web: ' + msg);
  process.exit(1);
}

let bin = process.env.REXIAN_BIN || 'build/asan/rexian';
if (!path.isAbsolute(bin)) bin = path.join(REPO, bin);
if (!fs.existsSync(CHROMIUM)) fail(`Chromium is missing (${CHROMIUM}); scripts/install-deps installs the Debian package chromium`);
if (!fs.existsSync(path.join(REPO, 'node_modules', 'playwright-core'))) fail('node_modules/playwright-core is missing; run scripts/install-deps (npm ci)');
if (!fs.existsSync(path.join(REPO, 'web', 'vendor', 'preact.mjs'))) fail('web/vendor is missing; run make web');
if (!fs.existsSync(bin)) fail(`no rexian binary at ${bin}`);

// Screenshots left by an earlier run's failures would only mislead.
const artifacts = path.join(HERE, 'artifacts');
fs.mkdirSync(artifacts, { recursive: true });
for (const f of fs.readdirSync(artifacts)) if (f.endsWith('.png')) fs.rmSync(path.join(artifacts, f));

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rexian-webrun-'));
const cleanup = () => { if (!process.env.REXIAN_WEB_KEEP) fs.rmSync(work, { recursive: true, force: true }); };

// A private copy of the binary, so a rebuild during the run cannot pull it away.
const binCopy = path.join(work, 'rexian');
fs.copyFileSync(bin, binCopy);
fs.chmodSync(binCopy, 0o755);

// One demo city, copied by every test file (rexian demo takes a few seconds).
const tpl = path.join(work, 'template.db');
try {
  execFileSync(binCopy, ['demo', '--db', tpl, '--tickets', '50'], { stdio: ['ignore', 'ignore', 'pipe'] });
} catch (e) {
  cleanup();
  fail(`rexian demo failed: ${e.stderr || e.message}`);
}

const only = process.argv.slice(2);
const files = fs.readdirSync(HERE).filter((f) => f.endsWith('.test.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort().map((f) => path.join(HERE, f));
if (files.length === 0) { cleanup(); fail('no test files matched'); }

const args = ['--test', '--test-reporter=tap', `--test-concurrency=${process.env.REXIAN_WEB_JOBS || 3}`,
  '--test-timeout=120000', ...files];
const child = spawn(process.execPath, args, {
  cwd: REPO,
  stdio: 'inherit',
  env: { ...process.env, REXIAN_BIN: binCopy, REXIAN_WEB_TEMPLATE_DB: tpl },
});
child.on('exit', (code, sig) => {
  cleanup();
  process.exit(code === null ? 1 : code);
});
