// Helpers for the browser tests: a real rexian on a free port with a fresh
// demo database, Debian's Chromium driven by playwright-core, logins, and
// screenshots of every open page when a test fails.
//
//   const srv = await startServer();         // demo city, 50 tickets
//   const browser = await launchBrowser();
//   const { page } = await loginUI(browser, srv, 'agent1');
//   ...
//   await srv.stop();                         // fails on sanitizer reports
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '..', '..');
export const ARTIFACTS = path.join(HERE, 'artifacts');
export const DOC_IMAGES = path.join(REPO, 'docs', 'images');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const PASSWORD = 'demo-12345';
export const WEB_ROOT = path.join(REPO, 'web');

const SANITIZER = ['ERROR: AddressSanitizer', 'ERROR: LeakSanitizer', 'runtime error:', 'WARNING: ThreadSanitizer'];

export function binary() {
  const b = process.env.REXIAN_BIN || 'build/asan/rexian';
  return path.isAbsolute(b) ? b : path.join(REPO, b);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A demo database to copy: REXIAN_WEB_TEMPLATE_DB (made by run.mjs), else made here. */
function templateDb(dir) {
  const t = process.env.REXIAN_WEB_TEMPLATE_DB;
  if (t && fs.existsSync(t)) return t;
  const db = path.join(dir, 'template.db');
  execFileSync(binary(), ['demo', '--db', db, '--tickets', '50'], { stdio: ['ignore', 'ignore', 'inherit'] });
  return db;
}

export async function startServer() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rexian-web-'));
  const db = path.join(dir, 'rexian.db');
  const tpl = templateDb(dir);
  fs.copyFileSync(tpl, db);
  for (const ext of ['-wal', '-shm']) if (fs.existsSync(tpl + ext)) fs.copyFileSync(tpl + ext, db + ext);
  const port = await freePort();
  const logPath = path.join(dir, 'server.log');
  const log = fs.openSync(logPath, 'a');
  const base = `http://127.0.0.1:${port}`;
  let proc;
  let exited = null;
  const launch = async () => {
    exited = null;
    proc = spawn(binary(), ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--web-root', WEB_ROOT],
      { stdio: ['ignore', log, log], env: { ...process.env } });
    proc.on('exit', (code, sig) => { exited = { code, sig }; });
    const deadline = Date.now() + 20000;
    for (;;) {
      if (exited) throw new Error(`rexian exited at start: ${JSON.stringify(exited)}\n${fs.readFileSync(logPath, 'utf8').slice(-3000)}`);
      try {
        const r = await fetch(base + '/healthz');
        if (r.ok) break;
      } catch { /* not yet */ }
      if (Date.now() > deadline) throw new Error('rexian did not answer /healthz within 20 s');
      await sleep(100);
    }
  };
  const halt = async () => {
    if (exited) return;
    proc.kill('SIGTERM');
    for (let i = 0; i < 150 && !exited; i++) await sleep(100);
    if (!exited) proc.kill('SIGKILL');
    for (let i = 0; i < 20 && !exited; i++) await sleep(100);
    if (exited && exited.code !== 0 && exited.sig !== 'SIGTERM') {
      throw new Error(`rexian exited with ${JSON.stringify(exited)}\n${fs.readFileSync(logPath, 'utf8').slice(-3000)}`);
    }
  };
  await launch();
  const tokens = new Map();
  const srv = {
    base, port, dir, db, logPath,
    /** Calls the API as a demo user (Bearer token; no cookie). */
    async api(user, method, p, body) {
      if (!tokens.has(user)) {
        const r = await fetch(base + '/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: user, password: PASSWORD }) });
        if (!r.ok) throw new Error(`login ${user}: ${r.status}`);
        tokens.set(user, (await r.json()).token);
      }
      const r = await fetch(base + '/api/v1' + p, {
        method,
        headers: { Authorization: 'Bearer ' + tokens.get(user), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      const text = await r.text();
      const data = text ? JSON.parse(text) : null;
      if (!r.ok) {
        const e = new Error(`${method} ${p}: ${r.status} ${text}`);
        e.status = r.status;
        e.body = data;
        throw e;
      }
      return data;
    },
    async unitByCode(code) {
      const d = await srv.api('admin', 'GET', '/units');
      const u = d.items.find((x) => x.code === code);
      if (!u) throw new Error('no unit ' + code);
      return u;
    },
    sanitizerReports() {
      const text = fs.readFileSync(logPath, 'utf8');
      return SANITIZER.some((p) => text.includes(p)) ? text.split('\n').filter((l) => !l.startsWith('{')).join('\n').slice(-6000) : null;
    },
    /** Stops the server (SIGTERM) and starts it again on the same port and database. */
    async restart({ downMs = 0 } = {}) {
      await halt();
      if (downMs) await sleep(downMs);
      await launch();
    },
    async stop() {
      try {
        await halt();
      } finally {
        fs.closeSync(log);
      }
      const rep = srv.sanitizerReports();
      if (rep) throw new Error('sanitizer report from rexian:\n' + rep);
      if (!process.env.REXIAN_WEB_KEEP) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return srv;
}

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage', '--lang=zh-CN',
];

/** Debian's Chromium; a missing browser is an error, never a skip. */
export async function launchBrowser() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: run scripts/install-deps (apt package chromium)`);
  }
  // playwright gives each launch a fresh, empty profile (user-data-dir).
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30000 });
}

/**
 * A new browser context for one person. Pages poll every 700 ms (instead of
 * 15 s) so that "appears without reloading" is quick to see when the server
 * has no event stream; with the stream, events arrive at once anyway.
 */
export async function newContext(browser, { lang = 'zh-CN', pollMs = 700 } = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  await ctx.addInitScript(([l, p]) => {
    try {
      if (!sessionStorage.getItem('rexian.test.init')) {
        localStorage.setItem('rexian.lang', l);
        sessionStorage.setItem('rexian.test.init', '1');
      }
      localStorage.setItem('rexian.pollMs', String(p));
    } catch { /* about:blank */ }
  }, [lang, pollMs]);
  ctx.setDefaultTimeout(10000);
  ctx.setDefaultNavigationTimeout(15000);
  // REXIAN_WEB_SLOW_EFFECTS=MS holds every Preact effect back by MS
  // milliseconds, as a loaded machine can (effects run after paint): a race
  // between an effect and the test's (or a fast user's) next step then shows
  // every time instead of once in a while in CI. The served lib.js gets two
  // lines that set Preact's options.requestAnimationFrame.
  const slow = Number(process.env.REXIAN_WEB_SLOW_EFFECTS || 0);
  if (slow > 0) {
    await ctx.route(/\/js\/lib\.js$/, async (route) => {
      const r = await route.fetch();
      const body = (await r.text()) + `\nimport { options as slowOptions } from '../vendor/preact.mjs';\n`
        + `slowOptions.requestAnimationFrame = (cb) => setTimeout(cb, ${slow});\n`;
      await route.fulfill({ response: r, body });
    });
  }
  return ctx;
}

/** Every page's console errors and uncaught exceptions, for assertions. */
export function watch(page) {
  const problems = [];
  const dialogs = [];
  page.on('pageerror', (e) => problems.push('pageerror: ' + e.message));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = m.text();
    // Feature probes answer 404/400 by design (endpoints other issues add).
    if (/Failed to load resource: the server responded with a status of (400|401|404)/.test(text)) return;
    if (/EventSource/.test(text)) return;
    problems.push('console: ' + text);
  });
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  return { problems, dialogs };
}

/** Logs in through the login form; resolves when the role's home is shown. */
export async function loginUI(browser, srv, username, opts = {}) {
  const ctx = await newContext(browser, opts);
  const page = await ctx.newPage();
  const w = watch(page);
  await page.goto(srv.base + '/');
  await page.locator('#login-username').fill(username);
  await page.locator('#login-password').fill(PASSWORD);
  await page.locator('#login-password').press('Enter');
  await page.locator('header.top .user').waitFor();
  await page.locator('main#main').waitFor();
  return { ctx, page, ...w };
}

/** Logs in through the API in the page's own context (the cookie), then opens `path`. */
export async function loginFast(browser, srv, username, pathname = '/', opts = {}) {
  const ctx = await newContext(browser, opts);
  const r = await ctx.request.post(srv.base + '/api/v1/auth/login', { data: { username, password: PASSWORD } });
  if (!r.ok()) throw new Error(`login ${username}: ${r.status()}`);
  const page = await ctx.newPage();
  const w = watch(page);
  await page.goto(srv.base + pathname);
  await page.locator('header.top .user').waitFor();
  return { ctx, page, ...w };
}

/** Runs fn; on failure saves a screenshot of every page given, then rethrows. */
export async function withShots(name, pages, fn) {
  try {
    return await fn();
  } catch (e) {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    for (const [role, p] of Object.entries(typeof pages === 'function' ? pages() : pages)) {
      if (!p || p.isClosed()) continue;
      const file = path.join(ARTIFACTS, `${name.replace(/[^\w.-]+/g, '_')}-${role}.png`);
      try {
        await p.screenshot({ path: file, fullPage: true, timeout: 5000 });
        console.error(`# screenshot: ${path.relative(REPO, file)} (${p.url()})`);
      } catch { /* page gone */ }
    }
    throw e;
  }
}

/**
 * Steps of one scenario as subtests: a failing step saves screenshots of every
 * page, and the steps after it are skipped (they would only fail for it).
 *   const step = stepper(t, () => ({agent: page1, handler: page2}));
 *   await step('the agent logs in', async () => { ... });
 */
export function stepper(t, pages, prefix = t.name) {
  let broken = null;
  let n = 0;
  return async (name, fn) => {
    n++;
    if (broken) {
      await t.test(name, { skip: `an earlier step failed: ${broken}` }, () => {});
      return;
    }
    await t.test(name, async () => {
      try {
        await withShots(`${prefix}-${String(n).padStart(2, '0')}`, pages, fn);
      } catch (e) {
        broken = name;
        throw e;
      }
    });
  };
}

/** Screenshots for docs/USER-GUIDE.md, taken only with REXIAN_DOC_SHOTS=1 (squeezed by pngquant if installed). */
export async function docShot(page, name, { settle = 300, ...opts } = {}) {
  if (!process.env.REXIAN_DOC_SHOTS) return;
  await page.waitForTimeout(settle); // debounced panels, chart animations
  fs.mkdirSync(DOC_IMAGES, { recursive: true });
  const file = path.join(DOC_IMAGES, name + '.png');
  await page.screenshot({ path: file, ...opts });
  // Smaller files for the repository, when Debian's pngquant is there.
  if (fs.existsSync('/usr/bin/pngquant')) {
    try {
      execFileSync('/usr/bin/pngquant', ['--quality=65-90', '--speed', '1', '--strip', '--force', '--output', file, file]);
    } catch { /* keep the full-colour file */ }
  }
}

export { sleep };
