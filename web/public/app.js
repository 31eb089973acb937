// The citizen page: submit a request, track it by ticket number and the last
// four phone digits. Plain ES module, no dependencies; every text coming from
// the server goes into the page through textContent, never as HTML.

const API = {
  services: '/open311/v2/services.json',
  service: (code) => `/open311/v2/services/${encodeURIComponent(code)}.json`,
  submit: '/api/v1/public/requests',
  lookup: '/api/v1/public/lookup',
};

const $ = (id) => document.getElementById(id);

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') e.textContent = v;
    else if (k in e) e[k] = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

// An error the page can show: the server's message, or what a 429 means.
class Problem extends Error {
  constructor(message, status = 0, field = null) {
    super(message);
    this.status = status;
    this.field = field;
  }
}

// What the form calls each field the server may name.
const FIELD_LABELS = {
  type: '诉求类型', service_code: '事项分类', description: '诉求内容', address: '地点',
  name: '称呼', phone: '联系电话', attributes: '补充信息', title: '标题',
};

async function call(url, body) {
  let res;
  try {
    res = await fetch(url, body === undefined ? {} : {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new Problem('网络连接失败，请稍后再试。');
  }
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (res.ok) return data;
  if (res.status === 429) {
    const wait = Number(res.headers.get('Retry-After')) || 60;
    const mins = Math.ceil(wait / 60);
    throw new Problem(wait < 90 ? `操作太频繁，请 ${wait} 秒后再试。` : `操作太频繁，请 ${mins} 分钟后再试。`, 429);
  }
  const err = data && data.error;
  throw new Problem(err && err.message ? err.message : `出错了（${res.status}），请稍后再试。`,
    res.status, err && err.field);
}

// ---- tabs --------------------------------------------------------------

function show(view, push = true) {
  const track = view === 'track';
  $('view-submit').hidden = track;
  $('view-track').hidden = !track;
  $('tab-submit').setAttribute('aria-selected', String(!track));
  $('tab-track').setAttribute('aria-selected', String(track));
  const path = track ? '/public/track' : '/public/';
  if (push && location.pathname !== path) history.pushState({ view }, '', path);
}

// ---- the service list and its questions -----------------------------------

let services = [];

async function loadServices() {
  try {
    services = await call(API.services);
  } catch {
    services = [];
  }
  const select = $('f-service');
  const groups = new Map();
  for (const s of services) {
    const g = s.group || '其他';
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(s);
  }
  for (const [g, list] of groups) {
    const og = el('optgroup', { label: g });
    for (const s of list) og.append(el('option', { value: s.service_code, text: s.service_name }));
    select.append(og);
  }
}

// One input per attribute the service asks; returns nothing, fills #attrs.
function renderAttributes(attrs) {
  const box = $('attrs');
  box.replaceChildren();
  for (const a of attrs) {
    if (!a.variable) {
      box.append(el('p', { className: 'hint', text: a.description }));
      continue;
    }
    const id = `a-${a.code}`;
    const label = el('label', { htmlFor: id, text: a.description });
    if (a.required) label.append(' ', el('span', { className: 'req', text: '*' }));
    let input;
    switch (a.datatype) {
      case 'number':
        input = el('input', { id, type: 'number', step: 'any', inputMode: 'decimal' });
        break;
      case 'datetime':
        input = el('input', { id, type: 'datetime-local' });
        break;
      case 'text':
        input = el('textarea', { id, rows: 3, maxLength: 4000 });
        break;
      case 'singlevaluelist':
        input = el('select', { id }, el('option', { value: '', text: '请选择' }));
        for (const v of a.values) input.append(el('option', { value: v.key, text: v.name }));
        break;
      case 'multivaluelist':
        input = el('fieldset', { id, className: 'multi' });
        for (const v of a.values) {
          input.append(el('label', { className: 'check' },
            el('input', { type: 'checkbox', value: v.key }), ` ${v.name}`));
        }
        break;
      default:
        input = el('input', { id, maxLength: 500 });
    }
    input.dataset.code = a.code;
    input.dataset.datatype = a.datatype;
    if (a.datatype_description) box.append(label, input, el('p', { className: 'hint', text: a.datatype_description }));
    else box.append(label, input);
  }
}

async function onServiceChange() {
  const code = $('f-service').value;
  const s = services.find((x) => x.service_code === code);
  const note = $('service-note');
  note.hidden = !s || !s.description || s.description === s.service_name;
  note.textContent = s ? s.description : '';
  renderAttributes([]);
  if (!s || !s.metadata) return;
  try {
    const def = await call(API.service(code));
    if ($('f-service').value === code) renderAttributes(def.attributes);
  } catch (e) {
    note.hidden = false;
    note.textContent = e.message;
  }
}

// The answers as {CODE: "value" | ["v", ...]}, empty ones left out.
function collectAnswers() {
  const out = {};
  for (const input of $('attrs').querySelectorAll('[data-code]')) {
    const code = input.dataset.code;
    if (input.dataset.datatype === 'multivaluelist') {
      const picked = [...input.querySelectorAll('input:checked')].map((c) => c.value);
      if (picked.length) out[code] = picked;
    } else if (input.value.trim() !== '') {
      out[code] = input.dataset.datatype === 'datetime'
        ? new Date(input.value).toISOString() : input.value.trim();
    }
  }
  return out;
}

// ---- submitting -----------------------------------------------------------

function formError(id, message) {
  const p = $(id);
  p.hidden = !message;
  p.textContent = message || '';
}

async function onSubmit(ev) {
  ev.preventDefault();
  formError('submit-error', '');
  const body = { type: $('f-type').value, description: $('f-description').value.trim() };
  if (!body.description) {
    formError('submit-error', '请填写诉求内容。');
    $('f-description').focus();
    return;
  }
  const optional = { service_code: 'f-service', address: 'f-address', name: 'f-name', phone: 'f-phone' };
  for (const [key, id] of Object.entries(optional)) {
    const v = $(id).value.trim();
    if (v) body[key] = v;
  }
  if ($('f-confidential').checked) body.confidential = true;
  const answers = collectAnswers();
  if (Object.keys(answers).length) body.attributes = answers;
  const button = $('submit-button');
  button.disabled = true;
  try {
    const r = await call(API.submit, body);
    $('done-number').textContent = r.number;
    $('done-notice').textContent = r.service_notice;
    $('submit-form').hidden = true;
    $('submit-done').hidden = false;
    $('t-number').value = r.number;
    const phone = body.phone ? body.phone.replace(/\D/g, '') : '';
    $('t-last4').value = phone.length >= 4 ? phone.slice(-4) : '';
    $('done-track').hidden = !phone;
  } catch (e) {
    const label = e.status === 400 && FIELD_LABELS[e.field];
    formError('submit-error', label ? `请检查「${label}」：${e.message}` : e.message);
    const input = e.field && document.querySelector(`#submit-form [name="${CSS.escape(e.field)}"]`);
    if (input) input.focus();
  } finally {
    button.disabled = false;
  }
}

function again() {
  $('submit-form').reset();
  renderAttributes([]);
  $('count').textContent = '0';
  $('submit-form').hidden = false;
  $('submit-done').hidden = true;
}

// ---- tracking -------------------------------------------------------------

function formatTime(s) {
  if (!s) return '—';
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  return d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
}

async function onTrack(ev) {
  ev.preventDefault();
  formError('track-error', '');
  $('track-result').hidden = true;
  const number = $('t-number').value.trim();
  const last4 = $('t-last4').value.trim();
  if (!/^\d{14}$/.test(number)) return formError('track-error', '工单号是 14 位数字。');
  if (!/^\d{4}$/.test(last4)) return formError('track-error', '请填写联系电话的后四位数字。');
  const button = $('track-button');
  button.disabled = true;
  try {
    const r = await call(API.lookup, { number, phone_last4: last4 });
    $('r-number').textContent = `工单 ${r.number}`;
    $('r-status').textContent = r.status_label;
    $('r-unit').textContent = r.unit || '待分派';
    $('r-deadline').textContent = formatTime(r.deadline);
    $('r-reply').textContent = r.reply || '尚未答复';
    $('track-result').hidden = false;
  } catch (e) {
    formError('track-error', e.status === 404
      ? '没有找到匹配的工单，请核对工单号和联系电话后四位。' : e.message);
  } finally {
    button.disabled = false;
  }
}

// ---- start ------------------------------------------------------------------

function start() {
  $('tab-submit').addEventListener('click', () => show('submit'));
  $('tab-track').addEventListener('click', () => show('track'));
  window.addEventListener('popstate', () => show(location.pathname.startsWith('/public/track') ? 'track' : 'submit', false));
  $('f-service').addEventListener('change', onServiceChange);
  $('f-description').addEventListener('input', (e) => { $('count').textContent = String([...e.target.value].length); });
  $('submit-form').addEventListener('submit', onSubmit);
  $('track-form').addEventListener('submit', onTrack);
  $('done-again').addEventListener('click', again);
  $('done-track').addEventListener('click', () => { show('track'); $('track-form').requestSubmit(); });
  const params = new URLSearchParams(location.search);
  if (params.get('number')) $('t-number').value = params.get('number').replace(/\D/g, '').slice(0, 14);
  show(location.pathname.startsWith('/public/track') ? 'track' : 'submit', false);
  loadServices();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
