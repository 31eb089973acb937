// The whole intake by keyboard alone, in a sensible focus order, with a
// visible focus; and every field on every screen has a label.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, newContext, watch, loginFast, stepper, PASSWORD } from './helpers.mjs';

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

const focused = (page) => page.evaluate(() => {
  const a = document.activeElement;
  if (!a) return null;
  return a.id || (a.type === 'radio' ? `radio:${a.name}:${a.value}` : a.tagName.toLowerCase() + (a.type === 'submit' ? ':submit' : ''));
});

/** Waits (briefly) until the element with this id has the focus. */
const focusOn = async (page, id) => {
  await page.waitForFunction((id) => document.activeElement && document.activeElement.id === id, id, { timeout: 3000 }).catch(() => {});
  return focused(page);
};

const focusVisible = (page) => page.evaluate(() => {
  const a = document.activeElement;
  const s = getComputedStyle(a);
  return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
});

/** Fields (input, select, textarea) on the page with no accessible name. */
export const unlabeled = (page) => page.evaluate(() => {
  const out = [];
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden' || el.closest('[hidden]')) continue;
    const named = (el.labels && el.labels.length && [...el.labels].some((l) => l.textContent.trim()))
      || (el.getAttribute('aria-label') || '').trim()
      || (el.getAttribute('aria-labelledby') || '').split(/\s+/).some((id) => id && document.getElementById(id)?.textContent.trim());
    if (!named) out.push(el.outerHTML.slice(0, 120));
  }
  return out;
});

test('keyboard-only intake', async (t) => {
  const ctx = await newContext(browser);
  const page = await ctx.newPage();
  const w = watch(page);
  const step = stepper(t, { agent: page }, 'keyboard');
  const kb = page.keyboard;

  await step('log in by keyboard', async () => {
    await page.goto(srv.base + '/');
    await page.locator('#login-username').waitFor();
    assert.equal(await focused(page), 'login-username');
    await kb.type('agent1');
    await kb.press('Tab');
    assert.equal(await focused(page), 'login-password');
    await kb.type(PASSWORD);
    await kb.press('Enter');
    await page.waitForURL(/\/intake$/);
    await page.locator('#in-phone').waitFor();
    assert.equal(await focused(page), 'in-phone');
    assert.equal(await focusVisible(page), true, 'the focus is visible');
  });

  let number;
  await step('fill and dispatch with Tab, arrows, typing and Ctrl+Enter', async () => {
    await kb.type('13700002222');
    await page.locator('[data-testid="history-none"]').waitFor();
    const order = [];
    const tab = async () => { await kb.press('Tab'); const f = await focused(page); order.push(f); return f; };
    await tab(); await kb.insertText('赵先生');    // name
    await tab(); await tab();                       // anonymous, confidential
    await tab();                                    // channel
    await tab(); await kb.press('ArrowDown'); await kb.press('ArrowDown'); // type: consult -> help -> complaint
    await tab(); await kb.press('ArrowDown');       // urgency: urgent
    await tab(); await kb.insertText('加装电梯');    // category combobox
    await page.locator('#in-category-list [role="option"][aria-selected="true"]').waitFor();
    await kb.press('Enter');
    assert.match(await page.locator('#in-category').inputValue(), /加装电梯/);
    // Chinese text arrives from the input method in one piece (insertText),
    // as it does for a real agent; the keys around it are real key presses.
    await tab(); await kb.insertText('加装电梯楼下住户反对');
    await tab(); await kb.insertText('我们单元想加装电梯，一楼住户不同意，想问问需要多少业主同意才可以。');
    await tab(); await kb.insertText('东城区幸福街道建设里小区5号楼');
    await tab(); await kb.press('ArrowDown');       // area: the first one
    await tab();                                    // outcome: dispatch (checked radio)
    assert.equal(await focusVisible(page), true, 'the focus is visible on a radio');
    await tab();                                    // unit: preset from the category
    await tab(); await kb.insertText('请住建局答复加装电梯政策');
    assert.deepEqual(order, ['in-name', 'in-anonymous', 'in-confidential', 'in-channel', 'in-type', 'in-urgency',
      'in-category', 'in-title', 'in-content', 'in-address', 'in-area', 'radio:mode:dispatch', 'in-unit', 'in-note']);
    const unitName = await page.locator('#in-unit option:checked').innerText();
    assert.match(await page.locator('#in-unit-hint').innerText(), new RegExp(unitName.trim()));
    await kb.press('Control+Enter');
    const notice = page.locator('.notice-ok');
    await notice.waitFor();
    const m = /工单 (\d{14}) 已登记并派单至 (\S+)/.exec(await notice.innerText());
    assert.ok(m, await notice.innerText());
    number = m[1];
    assert.equal(m[2], unitName.trim());
    assert.equal(await focusOn(page, 'in-phone'), 'in-phone', 'ready for the next call');
    const tk = await srv.api('agent1', 'GET', `/tickets/${number}`);
    assert.equal(tk.type, 'complaint');
    assert.equal(tk.urgency, 'urgent');
    assert.equal(tk.status, 'dispatched');
    assert.equal(tk.citizen.name, '赵先生');
    assert.equal(tk.citizen.phone, '13700002222');
    assert.equal(tk.title, '加装电梯楼下住户反对');
    assert.ok(tk.area, 'an area was chosen');
    const cats = (await srv.api('agent1', 'GET', '/categories')).items;
    assert.equal(cats.find((c) => c.id === tk.category_id).name, '加装电梯');
  });

  await step('shortcuts: Alt+N new call, Alt+A answer, Alt+W request text, Alt+C category', async () => {
    await kb.type('13700003333');
    await kb.press('Alt+N');
    assert.equal(await page.locator('#in-phone').inputValue(), '', 'Alt+N clears the form');
    assert.equal(await focusOn(page, 'in-phone'), 'in-phone');
    await kb.press('Alt+C');
    assert.equal(await focusOn(page, 'in-category'), 'in-category');
    await kb.press('Escape');
    await kb.press('Alt+A');
    assert.equal(await focusOn(page, 'in-answer'), 'in-answer');
    await kb.insertText('免费孕前优生健康检查面向计划怀孕的夫妇，可到户籍或居住地的妇幼保健机构预约。');
    await kb.press('Alt+W');
    assert.equal(await focusOn(page, 'in-content'), 'in-content');
    await kb.insertText('咨询免费孕前优生健康检查去哪里做');
    await kb.press('Control+Enter');
    const notice = page.locator('.notice-ok', { hasText: '已直接办结' });
    await notice.waitFor();
    const n = /工单 (\d{14})/.exec(await notice.innerText())[1];
    const tk = await srv.api('agent1', 'GET', `/tickets/${n}`);
    assert.equal(tk.status, 'closed');
    assert.match(tk.answer, /妇幼保健机构/);
    assert.equal(tk.title, '咨询免费孕前优生健康检查去哪里做', 'the title defaults to the first sentence');
  });

  await step('Alt+1 cites the first knowledge article and answers with it', async () => {
    await kb.press('Alt+W');
    await kb.insertText('想咨询老旧小区加装电梯需要多少业主同意');
    const first = page.locator('.kb-list li').first();
    await first.waitFor({ timeout: 5000 });
    const title = await first.locator('strong').innerText();
    const id = Number(await first.getAttribute('data-article'));
    assert.match(title, /电梯/);
    await kb.press('Alt+1');
    assert.equal(await focusOn(page, 'in-answer'), 'in-answer');
    assert.match(await page.locator('.cited').innerText(), new RegExp(title));
    assert.ok((await page.locator('#in-answer').inputValue()).length > 20, 'the article text is in the answer');
    await kb.press('Control+Enter');
    const notice = page.locator('.notice-ok', { hasText: '已直接办结' });
    await notice.waitFor();
    const n = /工单 (\d{14})/.exec(await notice.innerText())[1];
    const tk = await srv.api('agent1', 'GET', `/tickets/${n}`);
    assert.equal(tk.status, 'closed');
    assert.equal(tk.kb_article_id, id);
  });

  await step('a missing required field is announced and focused', async () => {
    await kb.press('Alt+N');
    await kb.press('Control+Enter');
    assert.equal(await focusOn(page, 'in-content'), 'in-content');
    assert.equal(await page.locator('#in-content').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('#in-content-err').innerText(), '必填');
    assert.deepEqual(w.problems, []);
  });

  // Chromium runs input events before timers, so on a busy machine Alt+N's
  // deferred move to the phone field can come after the Ctrl+Enter pressed
  // next. Here both keys are handled before any timer runs (a render in
  // between), as happens then; the missing field must keep the focus.
  await step('Ctrl+Enter straight after Alt+N, before its focus move, still focuses the missing field', async () => {
    const after = await page.evaluate(async () => {
      const fire = (o) => (document.activeElement || document.body)
        .dispatchEvent(new KeyboardEvent('keydown', { bubbles: true, cancelable: true, ...o }));
      fire({ code: 'KeyN', key: 'n', altKey: true });
      await Promise.resolve();
      fire({ code: 'Enter', key: 'Enter', ctrlKey: true });
      await new Promise((r) => setTimeout(r, 100));
      return document.activeElement && document.activeElement.id;
    });
    assert.equal(after, 'in-content');
    assert.equal(await page.locator('#in-content').getAttribute('aria-invalid'), 'true');
    assert.deepEqual(w.problems, []);
  });
  await ctx.close();
});

test('every field on every screen has a label', async (t) => {
  const screens = {
    agent1: ['/intake', '/callbacks', '/tickets'],
    h_dongguan: ['/queue'],
    sup1: ['/supervise', '/supervise?tab=overdue', '/dashboard'],
    admin: ['/admin/units', '/admin/categories', '/admin/users', '/admin/calendar', '/admin/sla-rules', '/admin/api-keys'],
  };
  for (const [user, paths] of Object.entries(screens)) {
    const s = await loginFast(browser, srv, user, paths[0]);
    const step = stepper(t, { [user]: s.page }, 'labels-' + user);
    for (const p of paths) {
      await step(`${user} ${p}`, async () => {
        await s.page.goto(srv.base + p);
        await s.page.locator('main#main h1, main#main h2').first().waitFor();
        await s.page.locator('main#main .muted', { hasText: '正在加载' }).first().waitFor({ state: 'detached' }).catch(() => {});
        if (p === '/intake') {
          // All three outcomes' fields.
          for (const mode of ['dispatch', 'answer', 'register']) {
            await s.page.locator(`input[name="mode"][value="${mode}"]`).check();
            assert.deepEqual(await unlabeled(s.page), [], `${p} (${mode})`);
          }
        }
        if (p === '/admin/categories') {
          // Editing a category opens its Open311 questions.
          await s.page.locator('table.admin-table tbody tr button').first().click();
          await s.page.getByRole('button', { name: '添加问题' }).click();
          await s.page.locator('#attr-0-type').selectOption('singlevaluelist');
          await s.page.locator('#attr-0-values').waitFor();
        }
        if (p === '/callbacks') {
          await s.page.locator('.pick-list button').first().click();
          await s.page.locator('form[data-action="callback"]').waitFor();
        }
        assert.deepEqual(await unlabeled(s.page), [], p);
      });
    }
    // The ticket page with each action's form open.
    await step(`${user}: each action form on a ticket page`, async () => {
      const status = { agent1: 'registered', h_dongguan: 'processing', sup1: 'processing', admin: 'closed' }[user];
      const d = await srv.api(user, 'GET', `/tickets?status=${status}&limit=1`);
      const any = d.items[0] || (await srv.api(user, 'GET', '/tickets?limit=1')).items[0];
      if (!any) return;
      await s.page.goto(`${srv.base}/t/${any.number}`);
      await s.page.locator('.ticket-page').waitFor();
      const actions = await s.page.locator('.action-buttons button').evaluateAll((els) => els.map((e) => e.dataset.action));
      for (const a of actions) {
        await s.page.locator(`.action-buttons button[data-action="${a}"]`).click();
        await s.page.locator(`form[data-action="${a}"]`).waitFor();
        assert.deepEqual(await unlabeled(s.page), [], `${any.number} ${a}`);
      }
    });
    await s.ctx.close();
  }
});
