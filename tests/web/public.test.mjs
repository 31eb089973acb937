// The citizen page (/public/) in a phone-sized browser: the service list from
// Open311, a service's extra question, submitting, and tracking by ticket
// number + last four phone digits (including the wrong-digits answer, which
// must not say whether the number exists). No console errors, no sideways
// scrolling, and server text is shown as text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, watch, stepper } from './helpers.mjs';

const PHONE = '13800006789';
let srv;
let browser;
let service;

before(async () => {
  srv = await startServer();
  browser = await launchBrowser();
  const services = await (await fetch(srv.base + '/open311/v2/services.json')).json();
  assert.ok(services.length > 0, 'the demo city has services');
  service = services[0];
  const cat = (await srv.api('admin', 'GET', '/categories')).items.find((c) => c.code === service.service_code);
  await srv.api('admin', 'PUT', `/categories/${cat.id}/attributes`, {
    attributes: [
      { code: 'FLOOR', datatype: 'number', required: true, description: '所在楼层' },
      { code: 'WHEN', datatype: 'singlevaluelist', description: '持续多久',
        values: [{ key: 'day', name: '一天内' }, { key: 'week', name: '一周以上' }] },
    ],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

test('a citizen submits a request and tracks it on a phone', async (t) => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', isMobile: true, hasTouch: true });
  ctx.setDefaultTimeout(10000);
  const page = await ctx.newPage();
  const { problems, dialogs } = watch(page);
  const step = stepper(t, () => ({ citizen: page }));
  let number;

  await step('the page lists the services by group', async () => {
    await page.goto(srv.base + '/public/');
    await page.locator(`#f-service option[value="${service.service_code}"]`).waitFor({ state: 'attached' });
    const groups = await page.locator('#f-service optgroup').count();
    assert.ok(groups >= 1);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 390, `no sideways scrolling (${wide}px)`);
  });

  await step("a service's questions appear and are required", async () => {
    await page.locator('#f-service').selectOption(service.service_code);
    await page.locator('#a-FLOOR').waitFor();
    assert.equal(await page.locator('#a-WHEN option').count(), 3);
    await page.locator('#f-type').selectOption('complaint');
    await page.locator('#f-description').fill('楼道灯坏了 <img src=x onerror=alert(1)>');
    await page.locator('#f-phone').fill(PHONE);
    await page.locator('#submit-button').click();
    await page.locator('#submit-error').waitFor();
    assert.match(await page.locator('#submit-error').textContent(), /FLOOR/);
  });

  await step('submitting answers with the ticket number', async () => {
    await page.locator('#a-FLOOR').fill('5');
    await page.locator('#a-WHEN').selectOption('week');
    await page.locator('#f-address').fill('幸福小区 3 号楼');
    await page.locator('#f-name').fill('孙先生');
    await page.locator('#submit-button').click();
    await page.locator('#submit-done').waitFor();
    number = (await page.locator('#done-number').textContent()).trim();
    assert.match(number, /^\d{14}$/);
    const tk = await srv.api('agent1', 'GET', `/tickets/${number}`);
    assert.equal(tk.channel, 'web');
    assert.equal(tk.type, 'complaint');
    assert.equal(tk.citizen.phone, PHONE);
    assert.equal(tk.content, '楼道灯坏了 <img src=x onerror=alert(1)>');
    const answers = await srv.api('agent1', 'GET', `/tickets/${number}/attributes`);
    assert.deepEqual(answers.items, [{ code: 'FLOOR', values: ['5'] }, { code: 'WHEN', values: ['week'] }]);
  });

  await step('tracking shows the state, then the unit once dispatched', async () => {
    await page.locator('#done-track').click();
    await page.locator('#track-result').waitFor();
    assert.equal(await page.locator('#r-status').textContent(), '已登记');
    assert.equal(new URL(page.url()).pathname, '/public/track');
    const units = (await srv.api('admin', 'GET', '/units')).items;
    const unit = units.find((u) => u.kind === 'district');
    let tk = await srv.api('agent1', 'GET', `/tickets/${number}`);
    tk = await srv.api('agent1', 'POST', `/tickets/${number}/actions/dispatch`, { version: tk.version, unit_id: unit.id });
    await page.locator('#track-button').click();
    await page.waitForFunction(() => document.querySelector('#r-status').textContent === '已派单');
    assert.equal(await page.locator('#r-unit').textContent(), unit.name);
  });

  await step('wrong digits read the same as an unknown number', async () => {
    await page.locator('#t-last4').fill('0000');
    await page.locator('#track-button').click();
    await page.locator('#track-error').waitFor();
    const wrong = await page.locator('#track-error').textContent();
    assert.equal(await page.locator('#track-result').isHidden(), true);
    await page.locator('#t-number').fill('20200101000001');
    await page.locator('#t-last4').fill(PHONE.slice(-4));
    await page.locator('#track-button').click();
    await page.waitForFunction((w) => document.querySelector('#track-error').textContent === w, wrong);
  });

  await step('no errors, no dialogs', async () => {
    assert.deepEqual(problems.filter((p) => !/status of 4(04|00)/.test(p)), []);
    assert.deepEqual(dialogs, []);
  });
  await ctx.close();
});
