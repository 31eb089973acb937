// Escaping and CSRF, proven in the browser.
//  - XSS: a ticket whose title, content, caller name and comments are HTML
//    shows that text on every screen; no element is made from it and no
//    script runs (no dialog opens).
//  - CSRF: with the session cookie alone, a write without X-Requested-With
//    is refused (403) and stores nothing; the same write with the header
//    succeeds; a form posted from another site stores nothing either; the
//    app itself sends the header; the session cookie is out of script's reach.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer, launchBrowser, loginFast, stepper } from './helpers.mjs';

const XSS = '<img src=x onerror=alert(1)>';
let srv;
let browser;

before(async () => {
  srv = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

async function countTitled(title) {
  let n = 0;
  let after = null;
  do {
    const d = await srv.api('sup1', 'GET', `/tickets?limit=200${after ? '&after=' + after : ''}`);
    n += d.items.filter((x) => x.title === title).length;
    after = d.next;
  } while (after);
  return n;
}

test('server strings are shown as text, never as HTML', async (t) => {
  const unit = await srv.unitByCode('DC-DG');
  const phone = '13900001111';
  const tk = await srv.api('agent1', 'POST', '/tickets', {
    channel: 'phone', type: 'complaint', urgency: 'normal',
    citizen: { name: '<b>王</b><script>alert(3)</script>', phone, anonymous: false, confidential: false },
    title: XSS, content: `${XSS}<script>alert(2)</script> 内容`, address: '"><svg onload=alert(4)>',
  });
  await srv.api('agent1', 'POST', `/tickets/${tk.number}/actions/dispatch`, { version: tk.version, unit_id: unit.id, note: '<iframe src=javascript:alert(5)>' });
  const agent = await loginFast(browser, srv, 'agent1', `/t/${tk.number}`);
  const handler = await loginFast(browser, srv, 'h_dongguan', '/queue');
  const step = stepper(t, { agent: agent.page, handler: handler.page }, 'xss');

  const noMarkup = async (page) => {
    assert.equal(await page.locator('img[src="x"]').count(), 0, 'no <img> made from server text');
    assert.equal(await page.locator('main script, main svg[onload], main iframe').count(), 0, 'no script, svg or iframe made from server text');
    assert.equal(await page.evaluate(() => !!window.__xss), false);
  };

  await step('the ticket page shows the markup as text', async () => {
    const { page } = agent;
    await page.locator(`.ticket-page[data-number="${tk.number}"]`).waitFor();
    assert.equal(await page.locator('.ticket-title').innerText(), XSS);
    assert.equal(await page.locator('.ticket-content').innerText(), `${XSS}<script>alert(2)</script> 内容`);
    assert.ok((await page.locator('.kv', { hasText: '来电人' }).first().innerText()).includes('<b>王</b><script>alert(3)</script>'));
    assert.ok((await page.locator('.kv', { hasText: '地址' }).innerText()).includes('"><svg onload=alert(4)>'));
    assert.ok((await page.locator('.timeline li[data-action="dispatch"]').innerText()).includes('<iframe src=javascript:alert(5)>'));
    await noMarkup(page);
  });

  await step('a comment typed as HTML stays text in the timeline', async () => {
    const { page } = agent;
    await page.locator('.action-buttons button[data-action="comment"]').click();
    await page.locator('form[data-action="comment"] textarea').fill(`<a href="javascript:alert(6)">点我</a>${XSS}`);
    await page.locator('form[data-action="comment"] button[type="submit"]').click();
    const ev = page.locator('.timeline li[data-action="comment"]');
    await ev.waitFor();
    assert.ok((await ev.innerText()).includes(`<a href="javascript:alert(6)">点我</a>${XSS}`));
    assert.equal(await ev.locator('a').count(), 0);
    await noMarkup(page);
  });

  await step('lists, caller history and the unit queue escape it too', async () => {
    const { page } = agent;
    await page.goto(srv.base + '/tickets');
    const row = page.locator(`tr[data-number="${tk.number}"]`);
    await row.waitFor();
    assert.ok((await row.locator('.c-title').innerText()).includes(XSS));
    await noMarkup(page);
    await page.goto(srv.base + '/intake');
    await page.locator('#in-phone').fill(phone);
    const h = page.locator(`.history-list li[data-number="${tk.number}"]`);
    await h.waitFor();
    await h.locator('summary').click();
    assert.ok((await h.innerText()).includes(XSS));
    await noMarkup(page);
    const q = handler.page;
    const hrow = q.locator(`tr[data-number="${tk.number}"]`);
    await hrow.waitFor();
    assert.ok((await hrow.innerText()).includes(XSS));
    await noMarkup(q);
  });

  await step('a search snippet highlights the hit with elements, the markup stays text', async () => {
    const { page } = agent;
    const x = await srv.api('agent1', 'POST', '/tickets', {
      channel: 'phone', type: 'complaint', title: '人民路路面问题', content: `人民路井盖${XSS}丢失很危险`,
    });
    await page.goto(srv.base + '/tickets');
    await page.getByLabel('关键词').fill('井盖');
    await page.getByRole('button', { name: '刷新' }).click();
    const row = page.locator(`tr[data-number="${x.number}"]`);
    await row.waitFor();
    const snippet = row.locator('.snippet');
    // (The server picks the passage around the hit, so the text may be cut.)
    assert.ok((await snippet.innerText()).includes('onerror=alert(1)>'), await snippet.innerText());
    assert.ok(await snippet.locator('mark').count() >= 1);
    assert.match(await snippet.locator('mark').first().innerText(), /井盖/);
    await noMarkup(page);
  });

  await step('no dialog opened and no script error on any page', async () => {
    assert.deepEqual(agent.dialogs, []);
    assert.deepEqual(handler.dialogs, []);
    assert.deepEqual(agent.problems, []);
    assert.deepEqual(handler.problems, []);
  });
  await agent.ctx.close();
  await handler.ctx.close();
});

test('cookie-authenticated writes need the X-Requested-With header', async (t) => {
  const agent = await loginFast(browser, srv, 'agent1', '/intake');
  const step = stepper(t, { agent: agent.page }, 'csrf');
  const { page } = agent;

  await step('the session cookie is HttpOnly and SameSite=Strict', async () => {
    const cookies = await agent.ctx.cookies(srv.base);
    const c = cookies.find((x) => x.name === 'rexian_session');
    assert.ok(c, 'logged in by cookie');
    assert.equal(c.httpOnly, true);
    assert.equal(c.sameSite, 'Strict');
    assert.equal(await page.evaluate(() => document.cookie.includes('rexian_session')), false, 'script cannot read it');
  });

  await step('a write without the header is refused and stores nothing', async () => {
    const title = 'CSRF-no-header';
    const r = await page.evaluate(async (title) => {
      const res = await fetch('/api/v1/tickets', {
        method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ channel: 'phone', type: 'consult', title, content: 'x' }),
      });
      return { status: res.status, body: await res.json() };
    }, title);
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'forbidden');
    assert.equal(await countTitled(title), 0);
    // An action on an existing ticket, likewise.
    const some = (await srv.api('agent1', 'GET', '/tickets?status=processing&limit=1')).items[0];
    const a = await page.evaluate(async ({ n, v }) => {
      const res = await fetch(`/api/v1/tickets/${n}/actions/urge`, {
        method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ version: v }),
      });
      return res.status;
    }, { n: some.number, v: some.version });
    assert.equal(a, 403);
    assert.equal((await srv.api('agent1', 'GET', `/tickets/${some.number}`)).version, some.version, 'nothing changed');
  });

  await step('the same write with the header succeeds (the cookie is what authenticates)', async () => {
    const title = 'CSRF-with-header';
    const status = await page.evaluate(async (title) => {
      const res = await fetch('/api/v1/tickets', {
        method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'rexian' },
        body: JSON.stringify({ channel: 'phone', type: 'consult', title, content: 'x' }),
      });
      return res.status;
    }, title);
    assert.equal(status, 201);
    assert.equal(await countTitled(title), 1);
  });

  await step('a form posted from another site stores nothing', async () => {
    // The attacker's page, on another site (localhost is not 127.0.0.1).
    const title = 'CSRF-cross-site';
    const evil = http.createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><body><form id="f" method="POST" enctype="text/plain" action="${srv.base}/api/v1/tickets">
        <input name='{"channel":"phone","type":"consult","title":"${title}","content":"x","a":"' value='"}'></form>
        <script>document.getElementById('f').submit()</script></body>`);
    });
    await new Promise((r) => evil.listen(0, '127.0.0.1', r));
    const evilUrl = `http://localhost:${evil.address().port}/`;
    const p2 = await agent.ctx.newPage();
    const answered = p2.waitForResponse((r) => r.url().startsWith(srv.base + '/api/v1/tickets'), { timeout: 10000 });
    await p2.goto(evilUrl);
    const resp = await answered;
    assert.ok([401, 403, 415].includes(resp.status()), `refused: ${resp.status()}`);
    assert.equal(await countTitled(title), 0);
    await p2.close();
    await new Promise((r) => evil.close(r));
  });

  await step('the workstation itself sends the header on every API call', async () => {
    const seen = [];
    // (EventSource cannot add headers; the stream is a read, like every GET.)
    page.on('request', (req) => {
      if (req.url().includes('/api/v1/') && !req.url().includes('/api/v1/events')) seen.push([req.method() + ' ' + req.url(), req.headers()['x-requested-with']]);
    });
    await page.goto(srv.base + '/intake');
    await page.locator('#in-content').fill('测试：小区门口井盖缺失');
    await page.locator('#in-unit').selectOption({ index: 1 });
    await page.locator('#in-content').press('Control+Enter');
    await page.locator('.notice-ok').waitFor();
    const posts = seen.filter(([m]) => m.startsWith('POST '));
    assert.ok(posts.length >= 2, 'create and dispatch');
    for (const [m, h] of seen) assert.equal(h, 'rexian', `${m} carries X-Requested-With`);
  });
  await agent.ctx.close();
});
