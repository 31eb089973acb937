// Each role's home, the language switch, live updates that survive a lost
// connection, the supervisor's boards and dashboard, and the admin screens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newContext, loginUI, loginFast, stepper, docShot, PASSWORD } from './helpers.mjs';

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

test('every role logs in to its own home', async (t) => {
  const homes = [
    ['agent1', /\/intake$/, '受理台', '王丽 · 话务员'],
    ['h_dongguan', /\/queue$/, '本单位工单', '谢芳 · 承办人'],
    ['sup1', /\/supervise$/, '督办', '陈刚 · 督办员'],
    ['admin', /\/admin\/units$/, '单位', '赵磊 · 系统管理员'],
  ];
  for (const [user, url, nav, who] of homes) {
    const s = await loginUI(browser, srv, user);
    const step = stepper(t, { [user]: s.page }, 'home-' + user);
    await step(`${user} lands on ${nav}`, async () => {
      assert.match(s.page.url(), url);
      assert.equal(await s.page.locator('header nav a[aria-current="page"]').innerText(), nav);
      assert.equal(await s.page.locator('header .user').innerText(), who);
      assert.equal(await s.page.evaluate(() => document.documentElement.lang), 'zh-CN');
      await s.page.locator('main#main h1, main#main h2').first().waitFor();
      assert.deepEqual(s.problems, []);
    });
    if (user === 'agent1') {
      await step('logout returns to the login form, and the session is over', async () => {
        await s.page.getByRole('button', { name: '退出登录' }).click();
        await s.page.locator('#login-username').waitFor();
        const st = await s.page.evaluate(async () => (await fetch('/api/v1/auth/me')).status);
        assert.equal(st, 401);
      });
    }
    await s.ctx.close();
  }
});

test('a ticket link opened while logged out shows the ticket after logging in', async (t) => {
  const some = (await srv.api('agent1', 'GET', '/tickets?status=processing&limit=1')).items[0];
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  const step = stepper(t, { agent: page }, 'return-to');
  await step('log in from the link', async () => {
    await page.goto(`${srv.base}/t/${some.number}`);
    await page.locator('#login-username').fill('agent1');
    await page.locator('#login-password').fill(PASSWORD);
    await page.locator('#login-password').press('Enter');
    await page.locator(`.ticket-page[data-number="${some.number}"]`).waitFor();
    assert.equal(new URL(page.url()).pathname, `/t/${some.number}`);
  });
  await ctx.close();
});

test('English switch, kept across reloads', async (t) => {
  const s = await loginFast(browser, srv, 'agent1', '/intake');
  const step = stepper(t, { agent: s.page }, 'lang');
  const { page } = s;
  await step('switch to English and back', async () => {
    await page.getByRole('button', { name: 'Switch to English' }).click();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await page.locator('header nav a[aria-current="page"]').innerText(), 'Intake');
    await page.getByLabel("Caller's number").waitFor();
    await page.reload();
    assert.equal(await page.locator('header nav a[aria-current="page"]').innerText(), 'Intake');
    assert.equal(await page.locator('#form-h').innerText(), 'Intake');
    await page.getByRole('button', { name: '切换到中文' }).click();
    assert.equal(await page.locator('header nav a[aria-current="page"]').innerText(), '受理台');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  });
  await s.ctx.close();
});

test('live updates, and a lost connection reconnects by itself', async (t) => {
  const unit = await srv.unitByCode('DC-DG');
  const s = await loginFast(browser, srv, 'h_dongguan', '/queue');
  const step = stepper(t, { handler: s.page }, 'live');
  const { page } = s;
  const dispatchOne = async (title) => {
    const tk = await srv.api('agent1', 'POST', '/tickets', { channel: 'phone', type: 'help', title, content: title + '，请帮忙处理。' });
    await srv.api('agent1', 'POST', `/tickets/${tk.number}/actions/dispatch`, { version: tk.version, unit_id: unit.id });
    return tk.number;
  };
  await step('the stream is connected', async () => {
    await page.locator('.live[data-live="live"]').waitFor({ timeout: 10000 });
    assert.match(await page.locator('.live').innerText(), /实时更新/);
  });
  await step('a dispatched ticket appears at once', async () => {
    const n = await dispatchOne('东关街道路口井盖松动');
    await page.locator(`tr[data-number="${n}"]`).waitFor({ timeout: 5000 });
  });
  await step('the server restarts: the page shows it is reconnecting, then live again', async () => {
    await srv.restart({ downMs: 1000 });
    await page.locator('.live[data-live="live"]').waitFor({ state: 'detached', timeout: 10000 }).catch(() => {});
    await page.locator('.live[data-live="live"]').waitFor({ timeout: 20000 });
  });
  await step('after reconnecting, new work still arrives without reloading', async () => {
    const n = await dispatchOne('东关街道菜市场门口积水');
    await page.locator(`tr[data-number="${n}"]`).waitFor({ timeout: 10000 });
    // (While the server was down, the browser's reconnect attempts were refused.)
    assert.deepEqual(s.problems.filter((p) => !p.includes('ERR_CONNECTION_REFUSED')), []);
  });
  await s.ctx.close();
});

test("the unit queue: the soonest deadline first, and cards in words", async (t) => {
  // The unit with the most tickets in progress (the tab shown), and its handler.
  // Counting dispatched ones too picked, at some hours of the day, a unit whose
  // open tickets were all still to sign, and so an empty tab.
  const open = (await srv.api('admin', 'GET', '/tickets?status=processing&limit=200')).items;
  assert.ok(open.length > 0, 'the demo city has tickets in progress');
  const counts = new Map();
  for (const x of open) counts.set(x.unit_id, (counts.get(x.unit_id) || 0) + 1);
  const [unitId] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
  const handler = (await srv.api('admin', 'GET', '/users')).items.find((u) => u.role === 'handler' && u.unit_id === unitId);
  const s = await loginFast(browser, srv, handler.username, '/queue?tab=processing');
  const step = stepper(t, { handler: s.page }, 'queue');
  await step('in-progress tickets sorted by reply deadline', async () => {
    const { page } = s;
    await page.locator('table.tickets tbody tr').first().waitFor();
    const numbers = await page.locator('table.tickets tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.number));
    const api = (await srv.api(handler.username, 'GET', '/tickets?status=processing&sort=due&limit=20')).items.map((x) => x.number);
    assert.deepEqual(numbers, api);
    const dues = await page.locator('td.c-due span').evaluateAll((els) => els.map((e) => e.title));
    assert.deepEqual([...dues].sort(), dues, 'soonest first');
    // Colour is never the only signal.
    for (const b of await page.locator('.sla').all()) {
      const level = await b.getAttribute('data-sla');
      const text = await b.innerText();
      assert.ok(text.includes({ ok: '正常', warning: '即将超期', overdue: '已超期' }[level]), text);
    }
    // Phones masked for the unit.
    for (const x of (await srv.api(handler.username, 'GET', '/tickets?limit=20')).items) {
      if (x.citizen.phone) assert.match(x.citizen.phone, /\*{4}/);
    }
  });
  await s.ctx.close();
});

test('the supervisor: overdue board, urge, dashboard', async (t) => {
  const s = await loginFast(browser, srv, 'sup1', '/supervise');
  const step = stepper(t, { supervisor: s.page }, 'supervisor');
  const { page } = s;
  await step('the overdue board says 已超期 on every row, and urging counts', async () => {
    await page.getByRole('tab', { name: '超期工单' }).click();
    const rows = page.locator('table.tickets tbody tr');
    await rows.first().waitFor();
    const n = await rows.count();
    assert.ok(n > 0, 'the demo city has overdue tickets');
    const api = (await srv.api('sup1', 'GET', '/tickets?sla=overdue&sort=due&limit=25')).items;
    assert.deepEqual(await rows.evaluateAll((rs) => rs.map((r) => r.dataset.number)), api.map((x) => x.number));
    for (const b of await page.locator('table.tickets .sla').all()) assert.match(await b.innerText(), /已超期/);
    const first = api[0];
    await page.getByRole('button', { name: `催办 ${first.number}` }).click();
    await page.locator('.notice-ok', { hasText: `已催办 ${first.number}` }).waitFor();
    assert.equal((await srv.api('sup1', 'GET', `/tickets/${first.number}`)).urge_count, first.urge_count + 1);
    await page.getByRole('tab', { name: '预警工单' }).click();
    for (const b of await page.locator('table.tickets .sla').all()) assert.match(await b.innerText(), /即将超期/);
  });
  await step('the dashboard draws its five charts from the server figures', async () => {
    await page.getByRole('link', { name: '统计' }).click();
    await page.locator('.chart canvas').nth(4).waitFor({ timeout: 15000 });
    assert.equal(await page.locator('.chart-card').count(), 5);
    await page.locator('[data-testid="dash-sample"]', { hasText: /基于 \d+ 张工单/ }).waitFor();
    const sample = Number(/(\d+)/.exec(await page.locator('[data-testid="dash-sample"]').innerText())[1]);
    assert.ok(sample > 0);
    const from = await page.evaluate(() => document.querySelector('[data-chart="by-day"] table.data tbody th').textContent);
    const o = await srv.api('sup1', 'GET', '/stats/overview?from=' + from);
    assert.equal(sample, o.total, 'the count is the server\'s total for the range');
    await docShot(page, 'dashboard', { settle: 600 });
    await page.locator('[data-chart="by-day"] summary').click();
    assert.equal(await page.locator('[data-chart="by-day"] table.data tbody tr').count(), 30);
    const perDay = await page.locator('[data-chart="by-day"] table.data tbody td').evaluateAll((tds) => tds.reduce((a, td) => a + Number(td.textContent), 0));
    assert.equal(perDay, sample, 'the days add up to the sample');
    await page.locator('#dash-range').selectOption('7');
    await page.locator('[data-chart="by-day"] summary').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-chart="by-day"] table.data tbody tr').length === 7);
    assert.deepEqual(s.problems, []);
  });
  await s.ctx.close();
});

test('the admin: units, users, API keys, calendar, deadline rules', async (t) => {
  const s = await loginFast(browser, srv, 'admin', '/admin/units');
  const step = stepper(t, { admin: s.page }, 'admin');
  const { page } = s;
  const dc = await srv.unitByCode('DC');
  await step('create a unit under a district', async () => {
    await page.getByLabel('编码').fill('DC-T1');
    await page.getByLabel('名称').fill('测试街道办事处');
    await page.getByLabel('类型').selectOption('street');
    await page.getByLabel('上级').selectOption(String(dc.id));
    await page.getByRole('button', { name: '新建' }).click();
    await page.locator('.notice-ok', { hasText: '已保存' }).waitFor();
    await page.locator('tr', { hasText: 'DC-T1' }).waitFor();
    assert.ok((await page.locator('tr', { hasText: 'DC-T1' }).innerText()).includes('东城区人民政府'));
  });
  await step('create a handler of that unit, who can then log in', async () => {
    await page.getByRole('link', { name: '用户' }).click();
    await page.locator('#user-username').fill('h_test1');
    await page.locator('#user-name').fill('测试员');
    await page.locator('#user-role').selectOption('handler');
    const u = await srv.unitByCode('DC-T1');
    await page.locator('#user-unit_id').selectOption(String(u.id));
    await page.locator('#user-password').fill('Test-pass-1');
    await page.getByRole('button', { name: '新建' }).click();
    await page.locator('.notice-ok', { hasText: '已保存' }).waitFor();
    await page.locator('tr', { hasText: 'h_test1' }).waitFor();
    const r = await fetch(srv.base + '/api/v1/auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'h_test1', password: 'Test-pass-1' }) });
    assert.equal(r.status, 200);
  });
  await step('a field error names the field', async () => {
    await page.locator('#user-username').fill('h_test2');
    await page.locator('#user-role').selectOption('agent');
    await page.locator('#user-password').fill('12345678');
    await page.getByRole('button', { name: '新建' }).click();
    await page.locator('#user-password-err').waitFor();
    assert.equal(await page.locator('#user-password').getAttribute('aria-invalid'), 'true');
  });
  // Preact runs effects after paint, which on a loaded machine can come
  // after the first keystrokes. Here effects are held back for a second
  // (Preact's options.requestAnimationFrame): what is typed as soon as the
  // form shows must stay (a make check run once lost a username so).
  await step('what is typed as soon as a form shows is kept', async () => {
    await page.evaluate(async () => {
      const { options } = await import('/vendor/preact.mjs');
      options.requestAnimationFrame = (cb) => setTimeout(cb, 1000);
    });
    try {
      await page.getByRole('link', { name: '单位' }).click();
      await page.locator('#unit-code').fill('TYPED-AT-ONCE');
      await page.waitForTimeout(1500);
      assert.equal(await page.locator('#unit-code').inputValue(), 'TYPED-AT-ONCE');
      assert.ok(await page.locator('#unit-active').isChecked(), 'the form still starts from its defaults');
    } finally {
      await page.evaluate(async () => {
        const { options } = await import('/vendor/preact.mjs');
        delete options.requestAnimationFrame;
      });
    }
  });
  await step("a category's Open311 question is added", async () => {
    await page.getByRole('link', { name: '分类' }).click();
    const cat = (await srv.api('admin', 'GET', '/categories')).items.find((c) => c.name === '路灯照明');
    await page.locator(`tr[data-id="${cat.id}"] button`).click();
    await page.getByRole('heading', { name: '“路灯照明”的 Open311 附加问题' }).waitFor();
    await page.getByRole('button', { name: '添加问题' }).click();
    await page.locator('#attr-0-code').fill('POLE');
    await page.locator('#attr-0-type').selectOption('singlevaluelist');
    await page.locator('#attr-0-desc').fill('路灯杆上的编号是否清楚？');
    await page.locator('#attr-0-values').fill('yes=清楚\nno=看不清');
    await page.locator('section', { hasText: 'Open311 附加问题' }).getByRole('button', { name: '保存' }).click();
    await page.locator('section', { hasText: 'Open311 附加问题' }).locator('.notice-ok').waitFor();
    const a = (await srv.api('admin', 'GET', `/categories/${cat.id}/attributes`)).attributes;
    assert.equal(a.length, 1);
    assert.equal(a[0].code, 'POLE');
    assert.deepEqual(a[0].values.map((v) => v.key), ['yes', 'no']);
  });

  await step('an API key is shown once, then revoked', async () => {
    await page.getByRole('link', { name: 'API 密钥' }).click();
    await page.getByLabel('名称').fill('PBX 网关');
    await page.getByRole('button', { name: '新建' }).click();
    const key = await page.locator('[data-testid="new-key"] code').innerText();
    assert.ok(key.length >= 20, key);
    const row = page.locator('tr', { hasText: 'PBX 网关' });
    await row.getByRole('button', { name: '吊销 PBX 网关' }).click();
    await row.locator('text=已吊销').waitFor();
  });
  await step('the calendar lists the holidays; a day is added and removed', async () => {
    await page.getByRole('link', { name: '工作日历' }).click();
    await page.locator('#cal-year').selectOption('2026');
    await page.locator('tr[data-date="2026-10-01"]').waitFor();
    assert.match(await page.locator('tr[data-date="2026-10-01"]').innerText(), /节假日/);
    await page.locator('#cal-date').fill('2026-12-31');
    await page.locator('#cal-kind').selectOption('holiday');
    await page.locator('#cal-name').fill('测试假日');
    await page.getByRole('button', { name: '保存' }).click();
    await page.locator('tr[data-date="2026-12-31"]', { hasText: '测试假日' }).waitFor();
    await page.getByRole('button', { name: '删除 2026-12-31' }).click();
    await page.locator('tr[data-date="2026-12-31"]').waitFor({ state: 'detached' });
  });
  await step('the deadline rules are listed and one is edited', async () => {
    await page.getByRole('link', { name: '时限规则' }).click();
    const rules = (await srv.api('admin', 'GET', '/sla-rules')).items;
    await page.locator('table.admin-table tbody tr').nth(rules.length - 1).waitFor();
    const consult = rules.find((r) => r.type === 'consult' && !r.urgency && !r.category_id);
    await page.getByRole('button', { name: `编辑 #${consult.id}` }).click();
    await page.locator('#sla-reply-amount').fill('3');
    await page.getByRole('button', { name: '保存' }).click();
    await page.locator('.notice-ok', { hasText: '已保存' }).waitFor();
    await page.locator(`tr[data-id="${consult.id}"]`, { hasText: '3 个工作日' }).waitFor();
    assert.equal((await srv.api('admin', 'GET', `/sla-rules/${consult.id}`)).reply.amount, 3);
    assert.deepEqual(s.problems, []);
  });
  await s.ctx.close();
});
