// The printable monthly report (/report): its figures are the server's, its
// ranking tables follow the assessment API row for row, and printed it drops
// the navigation and fits A4 (a real PDF from Chromium's print path).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startServer, launchBrowser, loginFast, stepper, docShot, ARTIFACTS } from './helpers.mjs';

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

/** The month before the current one in Shanghai, as YYYY-MM. */
function lastMonth() {
  const now = new Date(Date.now() + 8 * 3600 * 1000);
  let y = now.getUTCFullYear();
  let m = now.getUTCMonth(); // 0-based: the previous month, 1-based
  if (m === 0) { m = 12; y--; }
  return `${y}-${String(m).padStart(2, '0')}`;
}

// The assessment API gives rates in percent, rounded to 0.1.
function pct(r) {
  return !r || r.rate === null || r.rate === undefined ? '—' : r.rate.toFixed(1) + '%';
}

test('the monthly report shows the server figures and prints cleanly', async (t) => {
  const month = lastMonth();
  const s = await loginFast(browser, srv, 'sup1', `/report?month=${month}`);
  const { page } = s;
  const step = stepper(t, { supervisor: page }, 'report');
  const as = await srv.api('sup1', 'GET', `/stats/assessment?month=${month}`);
  const y = Number(month.slice(0, 4));
  const mm = Number(month.slice(5, 7));
  const to = `${month}-${String(new Date(Date.UTC(y, mm, 0)).getUTCDate()).padStart(2, '0')}`;
  const ov = await srv.api('sup1', 'GET', `/stats/overview?from=${month}-01&to=${to}`);

  await step('title, total and the navigation entry', async () => {
    await page.locator('[data-testid="report-title"]').waitFor();
    assert.match(await page.locator('[data-testid="report-title"]').innerText(), new RegExp(month));
    await page.locator('[data-testid="report-total"]').waitFor();
    assert.equal(await page.locator('[data-testid="report-total"]').innerText(), String(ov.total));
    assert.ok(ov.total > 0, 'the demo city has tickets last month');
    assert.equal(await page.locator('header nav a[aria-current="page"]').innerText(), '月度报告');
    assert.deepEqual(s.problems, []);
  });

  await step('each kind ranked as the assessment API ranks it', async () => {
    const kinds = [...new Set(as.units.map((u) => u.kind))].filter((k) => k !== 'center');
    assert.ok(kinds.length > 0, 'assessment has units');
    for (const kind of kinds) {
      const want = as.units.filter((u) => u.kind === kind).sort((a, b) => (a.rank || 1e9) - (b.rank || 1e9));
      const table = page.locator(`[data-testid="report-rank-${kind}"]`);
      await table.waitFor();
      const rows = await table.locator('tbody tr').all();
      assert.equal(rows.length, want.length, kind);
      const first = await rows[0].locator('th, td').allInnerTexts();
      assert.equal(first[0], want[0].rank === null ? '—' : String(want[0].rank));
      assert.equal(first[1], want[0].name);
      assert.equal(first[2], String(want[0].counts.received));
      assert.equal(first[7], pct(want[0].rates.satisfaction));
      assert.equal(first[first.length - 1], typeof want[0].score === 'number' ? want[0].score.toFixed(1) : '—');
    }
    await page.locator('[data-chart^="report-score-"] svg').first().waitFor();
    await docShot(page, 'report', { fullPage: false });
  });

  await step('the assessment downloads as Excel from the same month', async () => {
    const href = await page.locator('[data-testid="report-xlsx"]').getAttribute('href');
    assert.match(href, new RegExp(`month=${month}`));
    const res = await page.evaluate(async (u) => {
      const r = await fetch(u);
      const b = new Uint8Array(await r.arrayBuffer());
      return { status: r.status, head: String.fromCharCode(b[0], b[1]), n: b.length };
    }, href);
    assert.equal(res.status, 200);
    assert.equal(res.head, 'PK'); // a zip: the XLSX container
    assert.ok(res.n > 2000);
  });

  await step('printed: no navigation, the tables stay, and Chromium makes an A4 PDF', async () => {
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('header.top').evaluate((e) => getComputedStyle(e).display), 'none');
    assert.equal(await page.locator('.report .toolbar').evaluate((e) => getComputedStyle(e).display), 'none');
    assert.notEqual(await page.locator('.report-table').first().evaluate((e) => getComputedStyle(e).display), 'none');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, 'report.pdf');
    await page.pdf({ path: file, format: 'A4', printBackground: false });
    const head = fs.readFileSync(file).subarray(0, 5).toString('latin1');
    assert.equal(head, '%PDF-');
    assert.ok(fs.statSync(file).size > 10000, 'the PDF has content');
    fs.unlinkSync(file);
    await page.emulateMedia({ media: 'screen' });
  });

  await s.ctx.close();
});
