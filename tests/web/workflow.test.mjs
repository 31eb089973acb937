// The life of one call, through four people's screens: the agent takes the
// call and dispatches it; the unit's handler sees it arrive without
// reloading, signs, asks for more time; the supervisor approves the
// extension; the handler replies; the agent calls back and closes it.
// Every step asserts what the screen shows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, loginUI, stepper, docShot } from './helpers.mjs';

let srv;
let browser;
const people = {};
const pages = () => Object.fromEntries(Object.entries(people).map(([k, v]) => [k, v.page]));

before(async () => {
  srv = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (srv) await srv.stop();
});

test('a call from intake to callback, across four screens', async (t) => {
  const unit = await srv.unitByCode('DC-DG'); // 东关街道办事处, handler h_dongguan
  // A caller who called yesterday about another matter (still open).
  const phone = '13811112222';
  const earlier = await srv.api('agent2', 'POST', '/tickets', {
    channel: 'phone', type: 'consult', citizen: { name: '李女士', phone },
    title: '咨询小区停车位收费标准', content: '想问一下小区地面停车位每月收费标准是多少，由谁定价。',
  });
  const content = '东关街道幸福里小区3号楼门前路灯坏了一个星期，晚上很黑，老人出门不方便，请尽快修复。';
  let number;

  const step = stepper(t, pages, 'workflow');
  {
    await step('the agent logs in and lands on the intake screen', async () => {
      people.agent = await loginUI(browser, srv, 'agent1');
      const { page } = people.agent;
      assert.match(page.url(), /\/intake$/);
      assert.equal(await page.locator('header nav a[aria-current="page"]').innerText(), '受理台');
      assert.equal(await page.locator('#in-phone').evaluate((el) => el === document.activeElement), true, "the caller's number has the focus");
    });

    await step('the handler is watching the unit queue', async () => {
      people.handler = await loginUI(browser, srv, 'h_dongguan');
      const { page } = people.handler;
      assert.match(page.url(), /\/queue$/);
      await page.locator('[role="tab"][aria-selected="true"]', { hasText: '待签收' }).waitFor();
    });

    await step("the caller's number shows their earlier tickets at once", async () => {
      const { page } = people.agent;
      await page.locator('#in-phone').fill(phone);
      const row = page.locator(`.history-list li[data-number="${earlier.number}"]`);
      await row.waitFor();
      assert.ok((await row.innerText()).includes(earlier.title));
      await page.locator('[data-testid="history-count"]').waitFor();
    });

    await step('the agent fills the form and dispatches to the unit', async () => {
      const { page } = people.agent;
      await page.locator('#in-name').fill('李女士');
      await page.locator('#in-type').selectOption('complaint');
      await page.locator('#in-urgency').selectOption('urgent');
      // The category tree, searched by name.
      await page.locator('#in-category').fill('路灯');
      const opt = page.locator('#in-category-list [role="option"]').first();
      await opt.waitFor();
      const optText = await opt.innerText();
      await page.locator('#in-category').press('Enter');
      assert.ok((await page.locator('#in-category').inputValue()).includes('路灯'), optText);
      // The category's default unit is suggested and preselected.
      const hint = await page.locator('#in-unit-hint').innerText();
      assert.match(hint, /建议：.+（分类默认单位）/);
      assert.notEqual(await page.locator('#in-unit').inputValue(), '');
      // ... and the agent picks another: the street office.
      await page.locator('#in-unit').selectOption(String(unit.id));
      await page.locator('#in-title').fill('幸福里小区路灯不亮');
      await page.locator('#in-content').fill(content);
      await page.locator('#in-address').fill('东城区东关街道幸福里小区3号楼');
      await page.locator('#in-note').fill('请街道尽快安排维修');
      await docShot(page, 'intake', { settle: 900 });
      await page.getByRole('button', { name: /登记并派单/ }).click();
      // The same caller has an open ticket: the screen asks before dispatching.
      const warn = page.locator('.notice-warn');
      await warn.waitFor();
      assert.match(await warn.innerText(), /已登记。发现可能重复的在办工单/);
      const cand = page.locator(`.repeat-list li[data-number="${earlier.number}"]`);
      await cand.waitFor();
      assert.match(await cand.innerText(), /同一来电号码/);
      await cand.getByRole('button', { name: `并入此单 ${earlier.number}` }).waitFor();
      await docShot(page, 'repeats');
      await page.getByRole('button', { name: /不是重复，继续派单/ }).click();
      const notice = page.locator('.notice-ok');
      await notice.waitFor();
      const text = await notice.innerText();
      const m = /工单 (\d{14}) 已登记并派单至 东关街道办事处/.exec(text);
      assert.ok(m, text);
      number = m[1];
      // The form is empty again, ready for the next call.
      assert.equal(await page.locator('#in-content').inputValue(), '');
      assert.equal(await page.locator('#in-phone').evaluate((el) => el === document.activeElement), true);
      const tk = await srv.api('agent1', 'GET', `/tickets/${number}`);
      assert.equal(tk.status, 'dispatched');
      assert.equal(tk.unit_id, unit.id);
      assert.equal(tk.urgency, 'urgent');
      assert.equal(tk.citizen.phone, phone);
    });

    await step('the handler sees it arrive without reloading, and signs', async () => {
      const { page } = people.handler;
      const row = page.locator(`tr[data-number="${number}"]`);
      await row.waitFor({ timeout: 15000 });
      assert.ok((await row.innerText()).includes('幸福里小区路灯不亮'));
      // The SLA card says it in words, not only in colour.
      assert.match(await row.locator('.sla').innerText(), /正常|即将超期|已超期/);
      await docShot(page, 'queue');
      await row.getByRole('button', { name: `签收 ${number}` }).click();
      await page.locator('.notice-ok', { hasText: `已签收 ${number}` }).waitFor();
      await row.waitFor({ state: 'detached' });
      await page.locator('[role="tab"]', { hasText: '办理中' }).click();
      await page.locator(`tr[data-number="${number}"]`).waitFor();
    });

    await step("the ticket's page shows the timeline and exactly the allowed actions", async () => {
      const { page } = people.handler;
      await page.locator(`tr[data-number="${number}"] a`).first().click();
      await page.locator(`.ticket-page[data-number="${number}"]`).waitFor();
      assert.equal(await page.locator('.ticket-content').innerText(), content);
      // Handlers see the caller's number masked.
      const phoneShown = await page.locator('.kv', { hasText: '来电号码' }).locator('dd').innerText();
      assert.match(phoneShown, /^\d{3}\*{4}\d{4}$/);
      assert.deepEqual(await page.locator('.timeline li').evaluateAll((els) => els.map((e) => e.dataset.action)), ['create', 'dispatch', 'accept']);
      const shown = await page.locator('.action-buttons button').evaluateAll((els) => els.map((e) => e.dataset.action));
      const api = await srv.api('h_dongguan', 'GET', `/tickets/${number}`);
      assert.deepEqual(shown, api.allowed_actions);
      assert.ok(shown.includes('reply') && shown.includes('request_extension') && shown.includes('return'));
      await docShot(page, 'ticket', { fullPage: false });
    });

    await step('the handler asks for an extension', async () => {
      const { page } = people.handler;
      await page.locator('.action-buttons button[data-action="request_extension"]').click();
      const form = page.locator('form[data-action="request_extension"]');
      assert.notEqual(await form.locator('input[type="datetime-local"]').inputValue(), '', 'a later date is proposed');
      await form.getByLabel('理由').fill('需协调供电公司更换线路，预计需要多一周');
      await form.getByRole('button', { name: '申请延期' }).click();
      await page.locator('[data-testid="extension-pending"]').waitFor();
      assert.match(await page.locator('[data-testid="extension-pending"]').innerText(), /延期申请待审批.*需协调供电公司/);
    });

    await step('the supervisor approves the extension', async () => {
      people.sup = await loginUI(browser, srv, 'sup1');
      const { page } = people.sup;
      assert.match(page.url(), /\/supervise$/);
      const item = page.locator(`.approval[data-number="${number}"]`);
      await item.waitFor();
      assert.ok((await item.innerText()).includes('需协调供电公司'));
      await docShot(page, 'supervisor');
      await item.getByRole('button', { name: '批准' }).click();
      await page.locator('.notice-ok', { hasText: number }).waitFor();
      await item.waitFor({ state: 'detached' });
      const tk = await srv.api('sup1', 'GET', `/tickets/${number}`);
      assert.equal(tk.extension_pending, false);
    });

    await step('the handler sees the approval and replies', async () => {
      const { page } = people.handler;
      // Live: the pending notice goes away without a reload.
      await page.locator('[data-testid="extension-pending"]').waitFor({ state: 'detached', timeout: 15000 });
      await page.locator('.timeline li[data-action="approve_extension"]').waitFor();
      await page.locator('.action-buttons button[data-action="reply"]').click();
      const form = page.locator('form[data-action="reply"]');
      await form.getByLabel('答复内容').fill('经现场核实，路灯线路老化，已于今日更换灯具和线路，现已恢复照明。');
      assert.equal(await form.getByLabel('已联系来电人').isChecked(), true);
      await form.getByRole('button', { name: '答复' }).click();
      await page.locator('.ticket-page[data-status="replied"]').waitFor();
      assert.equal(await page.locator('.ticket-head .status').innerText(), '已答复');
      assert.ok((await page.locator('.ticket-reply').innerText()).includes('已恢复照明'));
      assert.equal(await page.locator('.action-buttons button').count() <= 1, true, 'only a comment is left to the unit');
    });

    await step('the agent calls back and closes it', async () => {
      const { page } = people.agent;
      await page.getByRole('link', { name: '回访', exact: true }).click();
      const item = page.locator(`.pick-list li[data-number="${number}"] button`);
      await item.waitFor();
      await item.click();
      const panel = page.locator(`.callback-panel[data-number="${number}"]`);
      await panel.waitFor();
      assert.ok((await panel.locator('.read-out').innerText()).includes('已恢复照明'), 'the reply to read out');
      assert.equal(await panel.locator('.kv', { hasText: '来电号码' }).locator('dd').innerText(), phone, 'the center sees the full number');
      await docShot(page, 'callback');
      await panel.getByLabel('满意', { exact: true }).check();
      assert.equal(await panel.getByLabel('问题已解决').isChecked(), true);
      await panel.getByRole('button', { name: '回访并办结' }).click();
      await page.locator('.notice-ok', { hasText: number }).waitFor();
      assert.match(await page.locator('.notice-ok').innerText(), /已办结/);
      await page.locator(`.pick-list li[data-number="${number}"]`).waitFor({ state: 'detached' });
      await page.goto(`${srv.base}/t/${number}`);
      await page.locator(`.ticket-page[data-status="closed"]`).waitFor();
      assert.equal(await page.locator('.ticket-head .status').innerText(), '已办结');
      const actions = await page.locator('.timeline li').evaluateAll((els) => els.map((e) => e.dataset.action));
      assert.deepEqual(actions, ['create', 'dispatch', 'accept', 'request_extension', 'approve_extension', 'reply', 'callback']);
      assert.equal(await page.locator('.kv', { hasText: '满意度' }).locator('dd').innerText(), '满意');
    });

    await step('no script errors and no dialogs on any screen', async () => {
      for (const [role, p] of Object.entries(people)) {
        assert.deepEqual(p.problems, [], `${role}: no script errors`);
        assert.deepEqual(p.dialogs, [], `${role}: no dialogs`);
      }
    });
  }
});
