// 导出 CSV / 导出 Excel: the ticket search and the unit queue download the
// export of the filter on screen; the files are read back and compared with
// the JSON list for the same filter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { startServer, launchBrowser, loginFast, stepper, PASSWORD } from './helpers.mjs';

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

/** Clicks the link and resolves with the download's name and bytes. */
async function download(page, name) {
  const [dl] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name }).first().click(),
  ]);
  const file = await dl.path();
  return { name: dl.suggestedFilename(), bytes: fs.readFileSync(file), url: dl.url() };
}

/** CSV lines (no quoted line breaks in the demo's first cells), BOM checked and dropped. */
function csvLines(bytes) {
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
  return bytes.subarray(3).toString('utf8').split('\r\n');
}

test('the ticket search exports its filter as CSV and Excel', async (t) => {
  const s = await loginFast(browser, srv, 'sup1', '/tickets');
  const step = stepper(t, { sup1: s.page }, 'export-tickets');
  await step('导出 CSV downloads every ticket of the list, newest first', async () => {
    await s.page.getByRole('link', { name: '导出 CSV' }).waitFor();
    const d = await download(s.page, '导出 CSV');
    assert.match(d.name, /^工单导出-\d{8}\.csv$/);
    const lines = csvLines(d.bytes);
    assert.match(lines[0], /^工单编号,登记时间,来源渠道,诉求类型,紧急程度,状态,诉求分类/);
    const r = await s.ctx.request.get(srv.base + '/api/v1/tickets?sort=newest&limit=5');
    const items = (await r.json()).items;
    assert.deepEqual(lines.slice(1, 6).map((l) => l.split(',')[0]), items.map((it) => it.number));
  });
  await step('after filtering by state, the export follows the filter', async () => {
    await s.page.locator('#flt-status').selectOption('processing');
    await s.page.getByRole('button', { name: '刷新' }).click();
    await s.page.waitForURL(/status=processing/);
    const d = await download(s.page, '导出 CSV');
    assert.match(d.url, /[?&]status=processing(&|$)/);
    const lines = csvLines(d.bytes).filter((l) => l !== '');
    const r = await s.ctx.request.get(srv.base + '/api/v1/tickets?status=processing&limit=200');
    const items = (await r.json()).items;
    assert.ok(items.length > 0, 'the demo has tickets in progress');
    assert.equal(lines.length - 1, items.length);
    for (const l of lines.slice(1)) assert.equal(l.split(',')[5], '办理中', l);
  });
  await step('导出 Excel downloads a workbook', async () => {
    const d = await download(s.page, '导出 Excel');
    assert.match(d.name, /^工单导出-\d{8}\.xlsx$/);
    assert.equal(d.bytes.subarray(0, 2).toString('latin1'), 'PK');
    assert.ok(d.bytes.includes(Buffer.from('xl/worksheets/sheet1.xml')));
  });
  assert.deepEqual(s.problems, []);
  await s.ctx.close();
});

/** A handler whose unit leads a ticket waiting to be signed (the demo varies with the day). */
async function handlerWithQueue() {
  const ctx = await browser.newContext();
  const login = await ctx.request.post(srv.base + '/api/v1/auth/login', { data: { username: 'admin', password: PASSWORD } });
  assert.ok(login.ok());
  const users = (await (await ctx.request.get(srv.base + '/api/v1/users')).json()).items;
  const open = (await (await ctx.request.get(srv.base + '/api/v1/tickets?status=dispatched&limit=200')).json()).items;
  await ctx.close();
  const units = new Set(open.map((it) => it.unit_id));
  const h = users.find((u) => u.role === 'handler' && u.active && units.has(u.unit_id));
  assert.ok(h, 'some unit has a ticket to sign');
  return h.username;
}

test('a unit exports its queue tab, phones masked', async (t) => {
  const s = await loginFast(browser, srv, await handlerWithQueue(), '/queue');
  const step = stepper(t, { handler: s.page }, 'export-queue');
  await step('导出 CSV on the queue exports the tab shown, as the unit sees it', async () => {
    const d = await download(s.page, '导出 CSV');
    assert.match(d.url, /[?&]status=dispatched(&|$)/);
    const lines = csvLines(d.bytes).filter((l) => l !== '');
    const r = await s.ctx.request.get(srv.base + '/api/v1/tickets?status=dispatched&sort=due&limit=200');
    const items = (await r.json()).items;
    assert.ok(items.length > 0);
    assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]), items.map((it) => it.number));
    // No full mobile number reaches a unit's file.
    assert.doesNotMatch(d.bytes.toString('utf8'), /(?<!\d)1[3-9]\d{9}(?!\d)/);
  });
  assert.deepEqual(s.problems, []);
  await s.ctx.close();
});
