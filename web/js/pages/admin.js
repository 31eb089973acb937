// 系统管理 — units, categories, users; and the calendar, deadline rules and
// API keys when the server has those endpoints (read-only views for now).
import { html, useState, useEffect, useRef } from '../lib.js';
import { get, post, patch, put, del, itemsOf } from '../api.js';
import { t, tl, KINDS, ROLES } from '../i18n.js';
import { fmtTime } from '../format.js';
import { Notice, ErrorBox, FieldError, UnitSelect, useFocusMover } from '../components.js';

function refChanged() { window.dispatchEvent(new Event('rexian:ref')); }

/**
 * A list with one form above it, for creating (empty) or editing (a row).
 * fields: {name, label, kind: text|password|select|checkbox|unit|category,
 * options?, required?, createOnly?, editOnly?, show?(values)}.
 */
function Crud({ title, newLabel, path, fields, columns, ref_, prepare, idPrefix, renderEditing }) {
  const [items, setItems] = useState(null);
  const [err, setErr] = useState(null);
  const [editing, setEditing] = useState(null); // null: new
  const defaults = () => Object.fromEntries(fields.filter((f) => f.kind === 'checkbox').map((f) => [f.name, true]));
  // The form starts with its defaults in the first render: set in an effect,
  // they would land after paint and wipe what was typed at once (each admin
  // page is its own component, so a path never changes under one form).
  const [values, setValues] = useState(defaults);
  const [formErr, setFormErr] = useState(null);
  const [notice, setNotice] = useState(null);
  const firstRef = useRef(null);
  const focus = useFocusMover();
  const load = () => get(path).then((d) => { setItems(itemsOf(d)); setErr(null); }, setErr);
  useEffect(() => { load(); }, [path]);
  const startEdit = (it) => {
    setEditing(it);
    const v = {};
    for (const f of fields) if (!f.createOnly) v[f.name] = it[f.name];
    setValues(v);
    setFormErr(null);
    focus.later(() => firstRef.current);
  };
  const startNew = () => { setEditing(null); setValues(defaults()); setFormErr(null); focus.later(() => firstRef.current); };
  const set = (k, v) => setValues((s) => ({ ...s, [k]: v }));
  const submit = async (e) => {
    e.preventDefault();
    setFormErr(null);
    const body = {};
    for (const f of fields) {
      if (editing && f.createOnly) continue;
      if (!editing && f.editOnly) continue;
      if (f.show && !f.show(values)) { if (editing && f.nullWhenHidden) body[f.name] = null; continue; }
      let v = values[f.name];
      if (f.kind === 'checkbox') v = !!v;
      if (v === undefined || v === '') {
        if (editing && (f.kind === 'unit' || f.kind === 'category') && editing[f.name] !== null) body[f.name] = null;
        continue;
      }
      if (editing && !f.kind.startsWith('password') && editing[f.name] === v) continue;
      body[f.name] = v;
    }
    const final = prepare ? prepare(body, editing) : body;
    try {
      if (editing) await patch(`${path}/${editing.id}`, final);
      else await post(path, final);
      setNotice({ kind: 'ok', text: t('saved') });
      setEditing(null);
      setValues(defaults());
      load();
      refChanged();
    } catch (ex) {
      setFormErr(ex);
    }
  };
  const pid = idPrefix;
  return html`<div class="admin">
    <h1>${title}</h1>
    <${Notice} notice=${notice} onClose=${() => setNotice(null)} />
    <form class="card admin-form" onSubmit=${submit} aria-labelledby=${pid + '-form-h'}>
      <h2 id=${pid + '-form-h'}>${editing ? `${t('edit')} · ${editing.name || editing.username || editing.code}` : newLabel}</h2>
      <div class="form-grid">
        ${fields.filter((f) => !(editing && f.createOnly) && !(!editing && f.editOnly) && (!f.show || f.show(values))).map((f, i) => {
          const id = `${pid}-${f.name}`;
          const fe = formErr && formErr.field === f.name ? formErr.message : null;
          const common = { id, 'aria-invalid': fe ? 'true' : undefined, 'aria-describedby': fe ? id + '-err' : undefined };
          const r = i === 0 ? firstRef : undefined;
          const req = f.required && !(editing && f.kind === 'password');
          const label = html`<label for=${id}>${f.label}${req ? html`<span class="req" aria-hidden="true"> *</span>` : null}</label>`;
          let input;
          if (f.kind === 'checkbox') {
            return html`<div class="field field-check"><input type="checkbox" ...${common} ref=${r} checked=${!!values[f.name]}
              onChange=${(e) => set(f.name, e.currentTarget.checked)} />${label}<${FieldError} id=${id + '-err'} error=${fe} /></div>`;
          } else if (f.kind === 'select') {
            input = html`<select ...${common} ref=${r} required=${req} value=${values[f.name] || ''} onChange=${(e) => set(f.name, e.currentTarget.value)}>
              <option value="">${t('none_selected')}</option>
              ${f.options.map(([v, l]) => html`<option value=${v}>${l}</option>`)}
            </select>`;
          } else if (f.kind === 'unit') {
            input = html`<${UnitSelect} ...${common} ref_=${ref_} value=${values[f.name]} required=${req}
              filter=${f.filter} describedBy=${common['aria-describedby']} onChange=${(v) => set(f.name, v)} />`;
          } else if (f.kind === 'category') {
            input = html`<select ...${common} value=${values[f.name] ? String(values[f.name]) : ''}
              onChange=${(e) => set(f.name, e.currentTarget.value ? Number(e.currentTarget.value) : '')}>
              <option value="">${t('none_selected')}</option>
              ${ref_.catTree.filter(({ depth, item }) => depth < 2 && (!editing || item.id !== editing.id)).map(({ item, depth }) =>
                html`<option value=${String(item.id)}>${'\u3000'.repeat(depth)}${item.name}</option>`)}
            </select>`;
          } else {
            input = html`<input ...${common} ref=${r} type=${f.kind === 'password' ? 'password' : 'text'} required=${req}
              autocomplete=${f.kind === 'password' ? 'new-password' : 'off'}
              value=${values[f.name] || ''} onInput=${(e) => set(f.name, e.currentTarget.value)} />`;
          }
          return html`<div class="field">${label}${input}<${FieldError} id=${id + '-err'} error=${fe} /></div>`;
        })}
      </div>
      ${formErr && !fields.some((f) => f.name === formErr.field) ? html`<${ErrorBox} error=${formErr} />` : null}
      <div class="form-buttons">
        <button type="submit" class="primary">${editing ? t('save') : t('create')}</button>
        ${editing ? html`<button type="button" onClick=${startNew}>${t('cancel')}</button>` : null}
      </div>
    </form>
    ${editing && renderEditing ? renderEditing(editing) : null}
    <section class="card">
      <${ErrorBox} error=${err} onRetry=${load} />
      ${items ? html`<div class="table-wrap"><table class="admin-table">
        <thead><tr>${columns.map((c) => html`<th scope="col">${c.label}</th>`)}<th scope="col">${t('actions')}</th></tr></thead>
        <tbody>${(columns.order ? columns.order(items) : items).map((it) => html`<tr data-id=${it.id}>
          ${columns.map((c) => html`<td>${c.value(it)}</td>`)}
          <td><button type="button" onClick=${() => startEdit(it)} aria-label=${t('edit') + ' ' + (it.name || it.username || it.code)}>${t('edit')}</button></td>
        </tr>`)}</tbody>
      </table></div>` : html`<p class="muted">${t('loading')}</p>`}
    </section>
  </div>`;
}

const activeCell = (it) => (it.active ? html`<span class="ok-text">✓ ${t('active')}</span>` : html`<span class="muted">✖ ${t('inactive')}</span>`);

export function AdminUnits({ ref_ }) {
  const byId = new Map(ref_.units.map((u) => [u.id, u]));
  const order = (items) => {
    const m = new Map(items.map((u) => [u.id, u]));
    const kids = new Map();
    for (const u of items) { const k = u.parent_id && m.has(u.parent_id) ? u.parent_id : 0; if (!kids.has(k)) kids.set(k, []); kids.get(k).push(u); }
    const out = [];
    const walk = (k, d) => { for (const u of (kids.get(k) || []).sort((a, b) => a.code.localeCompare(b.code))) { out.push({ ...u, _depth: d }); walk(u.id, d + 1); } };
    walk(0, 0);
    return out;
  };
  const columns = [
    { label: t('code'), value: (u) => html`<span class="mono">${u.code}</span>` },
    { label: t('name'), value: (u) => html`<span style=${{ paddingLeft: (u._depth || 0) * 1.2 + 'em' }}>${u.name}</span>` },
    { label: t('kind'), value: (u) => tl('kind', u.kind) },
    { label: t('parent'), value: (u) => (u.parent_id ? (byId.get(u.parent_id) || {}).name || u.parent_id : '') },
    { label: t('active'), value: activeCell },
  ];
  columns.order = order;
  return html`<${Crud} title=${t('units_title')} newLabel=${t('new_unit')} path="/units" ref_=${ref_} idPrefix="unit"
    columns=${columns}
    fields=${[
      { name: 'code', label: t('code'), kind: 'text', required: true },
      { name: 'name', label: t('name'), kind: 'text', required: true },
      { name: 'kind', label: t('kind'), kind: 'select', required: true, options: KINDS.map((k) => [k, tl('kind', k)]) },
      { name: 'parent_id', label: t('parent'), kind: 'unit' },
      { name: 'active', label: t('active'), kind: 'checkbox' },
    ]} />`;
}

export function AdminCategories({ ref_ }) {
  const columns = [
    { label: t('code'), value: (c) => html`<span class="mono">${c.code}</span>` },
    { label: t('name'), value: (c) => ref_.catPath(c.id) || c.name },
    { label: t('default_unit'), value: (c) => (c.default_unit_id ? ref_.unitName(c.default_unit_id) : '') },
    { label: t('active'), value: activeCell },
  ];
  columns.order = (items) => {
    const pos = new Map(ref_.catTree.map(({ item }, i) => [item.id, i]));
    return [...items].sort((a, b) => (pos.has(a.id) ? pos.get(a.id) : 1e9) - (pos.has(b.id) ? pos.get(b.id) : 1e9));
  };
  return html`<${Crud} title=${t('categories_title')} newLabel=${t('new_category')} path="/categories" ref_=${ref_} idPrefix="cat"
    columns=${columns} renderEditing=${(c) => html`<${CategoryQuestions} key=${c.id} category=${c} />`}
    fields=${[
      { name: 'code', label: t('code'), kind: 'text', required: true },
      { name: 'name', label: t('name'), kind: 'text', required: true },
      { name: 'parent_id', label: t('parent'), kind: 'category' },
      { name: 'default_unit_id', label: t('default_unit'), kind: 'unit', filter: (u) => u.kind !== 'center' },
      { name: 'active', label: t('active'), kind: 'checkbox' },
    ]} />`;
}

export function AdminUsers({ ref_ }) {
  const columns = [
    { label: t('username'), value: (u) => html`<span class="mono">${u.username}</span>` },
    { label: t('name'), value: (u) => u.name },
    { label: t('role'), value: (u) => tl('role', u.role) },
    { label: t('f_unit'), value: (u) => (u.unit_id ? ref_.unitName(u.unit_id) : '') },
    { label: t('active'), value: activeCell },
  ];
  return html`<${Crud} title=${t('users_title')} newLabel=${t('new_user')} path="/users" ref_=${ref_} idPrefix="user"
    columns=${columns}
    prepare=${(body, editing) => {
      const role = body.role || (editing && editing.role);
      if (role !== 'handler' && editing && editing.unit_id !== null && body.role) body.unit_id = null;
      if (role !== 'handler') { if (!editing) delete body.unit_id; }
      if (!body.password) delete body.password;
      return body;
    }}
    fields=${[
      { name: 'username', label: t('username'), kind: 'text', required: true, createOnly: true },
      { name: 'name', label: t('name'), kind: 'text' },
      { name: 'role', label: t('role'), kind: 'select', required: true, options: ROLES.map((r) => [r, tl('role', r)]) },
      { name: 'unit_id', label: t('f_unit'), kind: 'unit', required: true, show: (v) => v.role === 'handler' },
      { name: 'password', label: t('password'), kind: 'password', required: true, createOnly: true },
      { name: 'password', label: t('new_password'), kind: 'password', editOnly: true },
      { name: 'active', label: t('active'), kind: 'checkbox', editOnly: true },
    ]} />`;
}

// ---- calendar, deadline rules, API keys, Open311 questions -----------------

const KIND_LABEL = { holiday: 'cal_holiday', work: 'cal_work' };

/** 工作日历: the year's holidays and make-up working days; add, change, remove a day. */
export function AdminCalendar() {
  const [summary, setSummary] = useState(null);
  const [year, setYear] = useState(null);
  const [days, setDays] = useState(null);
  const [err, setErr] = useState(null);
  const [notice, setNotice] = useState(null);
  const [form, setForm] = useState({ date: '', kind: 'holiday', name: '' });
  const [formErr, setFormErr] = useState(null);
  useEffect(() => {
    get('/calendar').then((d) => {
      setSummary(d);
      const ys = (d.years || []).map((y) => y.year);
      const now = new Date().getFullYear();
      setYear(ys.includes(now) ? now : ys[ys.length - 1] || now);
    }, setErr);
  }, []);
  const loadYear = () => { if (year) get(`/calendar/${year}`).then((d) => setDays(d.days || []), setErr); };
  useEffect(loadYear, [year]);
  const save = async (e) => {
    e.preventDefault();
    setFormErr(null);
    try {
      const body = { kind: form.kind };
      if (form.name.trim()) body.name = form.name.trim();
      await put(`/calendar/days/${form.date}`, body);
      setNotice({ kind: 'ok', text: t('saved') + ' ' + form.date });
      if (form.date.slice(0, 4) !== String(year)) setYear(Number(form.date.slice(0, 4)));
      else loadYear();
      setForm({ date: '', kind: 'holiday', name: '' });
    } catch (ex) { setFormErr(ex); }
  };
  const remove = async (date) => {
    try {
      await del(`/calendar/days/${date}`);
      setNotice({ kind: 'ok', text: t('removed') + ' ' + date });
      loadYear();
    } catch (ex) { setNotice({ kind: 'error', text: t('error', { msg: ex.message }) }); }
  };
  if (err) return html`<div class="admin"><h1>${t('nav_calendar')}</h1><${ErrorBox} error=${err} /></div>`;
  if (!summary) return html`<p class="muted">${t('loading')}</p>`;
  return html`<div class="admin">
    <h1>${t('nav_calendar')}</h1>
    <${Notice} notice=${notice} onClose=${() => setNotice(null)} />
    <section class="card">
      <p>${t('cal_hours')}：${(summary.working_hours || []).join('，')} · ${t('cal_warning')}：${summary.warning_percent}%</p>
      ${summary.missing_years && summary.missing_years.length ? html`<p class="notice notice-warn" role="status">${t('cal_missing', { years: summary.missing_years.join('、') })}</p>` : null}
    </section>
    <form class="card admin-form" onSubmit=${save} aria-labelledby="cal-form-h">
      <h2 id="cal-form-h">${t('cal_add')}</h2>
      <div class="form-grid">
        <div class="field"><label for="cal-date">${t('cal_date')}<span class="req" aria-hidden="true"> *</span></label>
          <input id="cal-date" type="date" required value=${form.date} onInput=${(e) => setForm({ ...form, date: e.currentTarget.value })} /></div>
        <div class="field"><label for="cal-kind">${t('kind')}</label>
          <select id="cal-kind" value=${form.kind} onChange=${(e) => setForm({ ...form, kind: e.currentTarget.value })}>
            <option value="holiday">${t('cal_holiday')}</option><option value="work">${t('cal_work')}</option></select></div>
        <div class="field"><label for="cal-name">${t('name')}</label>
          <input id="cal-name" value=${form.name} onInput=${(e) => setForm({ ...form, name: e.currentTarget.value })} /></div>
      </div>
      ${formErr ? html`<${ErrorBox} error=${formErr} />` : null}
      <div class="form-buttons"><button type="submit" class="primary">${t('save')}</button></div>
    </form>
    <section class="card">
      <div class="field inline"><label for="cal-year">${t('cal_year')}</label>
        <select id="cal-year" value=${String(year)} onChange=${(e) => setYear(Number(e.currentTarget.value))}>
          ${[...new Set([...(summary.years || []).map((y) => y.year), ...(summary.missing_years || [])])].sort().map((y) => html`<option value=${String(y)}>${y}</option>`)}
        </select></div>
      ${days ? html`<div class="table-wrap"><table class="admin-table cal-table">
        <thead><tr><th scope="col">${t('cal_date')}</th><th scope="col">${t('kind')}</th><th scope="col">${t('name')}</th><th scope="col">${t('cal_source')}</th><th scope="col">${t('actions')}</th></tr></thead>
        <tbody>${days.map((d) => html`<tr data-date=${d.date}>
          <td class="mono">${d.date}</td>
          <td><span class=${'tag cal-' + d.kind}>${d.kind === 'holiday' ? '休 ' : '班 '}${t(KIND_LABEL[d.kind] || d.kind)}</span></td>
          <td>${d.name || ''}</td><td>${d.source || ''}</td>
          <td><button type="button" onClick=${() => remove(d.date)} aria-label=${t('remove') + ' ' + d.date}>${t('remove')}</button></td>
        </tr>`)}</tbody></table></div>
        ${days.length === 0 ? html`<p class="empty">${t('nothing')}</p>` : null}` : html`<p class="muted">${t('loading')}</p>`}
    </section>
  </div>`;
}

const SLA_UNITS = ['working_days', 'working_hours', 'natural_hours'];
const CLOCKS = ['sign', 'reply', 'callback'];

function clockText(c) {
  return c ? `${c.amount} ${tl('slaunit', c.unit)}` : '—';
}

/** 时限规则: which deadline for which type, urgency, category (most specific wins). */
export function AdminSlaRules({ ref_ }) {
  const [items, setItems] = useState(null);
  const [err, setErr] = useState(null);
  const [editing, setEditing] = useState(null);
  const empty = { type: '', urgency: '', category_id: '', note: '', sign: { amount: '', unit: 'working_days' }, reply: { amount: '', unit: 'working_days' }, callback: { amount: '', unit: 'working_days' } };
  const [v, setV] = useState(empty);
  const [formErr, setFormErr] = useState(null);
  const [notice, setNotice] = useState(null);
  const load = () => get('/sla-rules').then((d) => setItems(itemsOf(d)), setErr);
  useEffect(() => { load(); }, []);
  const edit = (r) => {
    setEditing(r);
    setV({
      type: r.type || '', urgency: r.urgency || '', category_id: r.category_id || '', note: r.note || '',
      ...Object.fromEntries(CLOCKS.map((k) => [k, r[k] ? { ...r[k] } : { amount: '', unit: 'working_days' }])),
    });
    setFormErr(null);
  };
  const save = async (e) => {
    e.preventDefault();
    setFormErr(null);
    const body = { type: v.type || null, urgency: v.urgency || null, category_id: v.category_id ? Number(v.category_id) : null, note: v.note };
    for (const k of CLOCKS) body[k] = v[k].amount === '' ? null : { amount: Number(v[k].amount), unit: v[k].unit };
    try {
      if (editing) await patch(`/sla-rules/${editing.id}`, body);
      else await post('/sla-rules', body);
      setNotice({ kind: 'ok', text: t('saved') });
      setEditing(null);
      setV(empty);
      load();
    } catch (ex) { setFormErr(ex); }
  };
  const remove = async (r) => {
    try { await del(`/sla-rules/${r.id}`); load(); setNotice({ kind: 'ok', text: t('removed') }); } catch (ex) { setNotice({ kind: 'error', text: t('error', { msg: ex.message }) }); }
  };
  return html`<div class="admin">
    <h1>${t('nav_sla_rules')}</h1>
    <${Notice} notice=${notice} onClose=${() => setNotice(null)} />
    <form class="card admin-form" onSubmit=${save} aria-labelledby="sla-form-h">
      <h2 id="sla-form-h">${editing ? `${t('edit')} #${editing.id}` : t('sla_new')}</h2>
      <p class="muted small">${t('sla_hint')}</p>
      <div class="form-grid">
        <div class="field"><label for="sla-type">${t('f_type')}</label>
          <select id="sla-type" value=${v.type} onChange=${(e) => setV({ ...v, type: e.currentTarget.value })}>
            <option value="">${t('any')}</option>${['consult', 'help', 'complaint', 'report', 'suggestion', 'praise'].map((x) => html`<option value=${x}>${tl('type', x)}</option>`)}</select></div>
        <div class="field"><label for="sla-urgency">${t('f_urgency')}</label>
          <select id="sla-urgency" value=${v.urgency} onChange=${(e) => setV({ ...v, urgency: e.currentTarget.value })}>
            <option value="">${t('any')}</option>${['normal', 'urgent', 'emergency'].map((x) => html`<option value=${x}>${tl('urgency', x)}</option>`)}</select></div>
        <div class="field"><label for="sla-category">${t('f_category')}</label>
          <select id="sla-category" value=${String(v.category_id || '')} onChange=${(e) => setV({ ...v, category_id: e.currentTarget.value })}>
            <option value="">${t('any')}</option>${ref_.catTree.map(({ item, depth }) => html`<option value=${String(item.id)}>${'\u3000'.repeat(depth)}${item.name}</option>`)}</select></div>
        <div class="field"><label for="sla-note">${t('f_note')}</label>
          <input id="sla-note" value=${v.note} onInput=${(e) => setV({ ...v, note: e.currentTarget.value })} /></div>
      </div>
      <div class="form-grid">
        ${CLOCKS.map((k) => html`<fieldset class="clock"><legend>${t('clock_' + k)}</legend>
          <div class="field"><label for=${'sla-' + k + '-amount'}>${t('sla_amount')}</label>
            <input id=${'sla-' + k + '-amount'} type="number" min="0" value=${v[k].amount}
              onInput=${(e) => setV({ ...v, [k]: { ...v[k], amount: e.currentTarget.value } })} /></div>
          <div class="field"><label for=${'sla-' + k + '-unit'}>${t('sla_unit')}</label>
            <select id=${'sla-' + k + '-unit'} value=${v[k].unit} onChange=${(e) => setV({ ...v, [k]: { ...v[k], unit: e.currentTarget.value } })}>
              ${SLA_UNITS.map((u) => html`<option value=${u}>${tl('slaunit', u)}</option>`)}</select></div>
        </fieldset>`)}
      </div>
      ${formErr ? html`<${ErrorBox} error=${formErr} />` : null}
      <div class="form-buttons"><button type="submit" class="primary">${editing ? t('save') : t('create')}</button>
        ${editing ? html`<button type="button" onClick=${() => { setEditing(null); setV(empty); }}>${t('cancel')}</button>` : null}</div>
    </form>
    <section class="card">
      <${ErrorBox} error=${err} onRetry=${load} />
      ${items ? html`<div class="table-wrap"><table class="admin-table">
        <thead><tr><th scope="col">#</th><th scope="col">${t('f_type')}</th><th scope="col">${t('f_urgency')}</th><th scope="col">${t('f_category')}</th>
          ${CLOCKS.map((k) => html`<th scope="col">${t('clock_' + k)}</th>`)}<th scope="col">${t('f_note')}</th><th scope="col">${t('actions')}</th></tr></thead>
        <tbody>${items.map((r) => html`<tr data-id=${r.id}>
          <td>${r.id}</td><td>${r.type ? tl('type', r.type) : t('any')}</td><td>${r.urgency ? tl('urgency', r.urgency) : t('any')}</td>
          <td>${r.category_id ? ref_.catPath(r.category_id) : t('any')}</td>
          ${CLOCKS.map((k) => html`<td>${clockText(r[k])}</td>`)}<td>${r.note || ''}</td>
          <td><button type="button" onClick=${() => edit(r)} aria-label=${t('edit') + ' #' + r.id}>${t('edit')}</button>
            ${' '}<button type="button" onClick=${() => remove(r)} aria-label=${t('remove') + ' #' + r.id}>${t('remove')}</button></td>
        </tr>`)}</tbody></table></div>` : html`<p class="muted">${t('loading')}</p>`}
    </section>
  </div>`;
}

/** API 密钥: for Open311 clients, the PBX, the SMS gateway. The key is shown once. */
export function AdminApiKeys() {
  const [items, setItems] = useState(null);
  const [err, setErr] = useState(null);
  const [name, setName] = useState('');
  const [created, setCreated] = useState(null);
  const [formErr, setFormErr] = useState(null);
  const load = () => get('/api-keys').then((d) => setItems(itemsOf(d)), setErr);
  useEffect(() => { load(); }, []);
  const create = async (e) => {
    e.preventDefault();
    setFormErr(null);
    try {
      const k = await post('/api-keys', { name: name.trim() });
      setCreated(k);
      setName('');
      load();
    } catch (ex) { setFormErr(ex); }
  };
  const revoke = async (k) => {
    try { await del(`/api-keys/${k.id}`); load(); } catch (ex) { setErr(ex); }
  };
  return html`<div class="admin">
    <h1>${t('nav_api_keys')}</h1>
    ${created ? html`<div class="notice notice-ok" role="status" data-testid="new-key">
      <span>${t('key_once', { name: created.name })}</span> <code class="mono key">${created.key}</code></div>` : null}
    <form class="card admin-form" onSubmit=${create} aria-labelledby="key-form-h">
      <h2 id="key-form-h">${t('key_new')}</h2>
      <div class="field"><label for="key-name">${t('name')}<span class="req" aria-hidden="true"> *</span></label>
        <input id="key-name" required maxlength="100" value=${name} onInput=${(e) => setName(e.currentTarget.value)} /></div>
      ${formErr ? html`<${ErrorBox} error=${formErr} />` : null}
      <div class="form-buttons"><button type="submit" class="primary">${t('create')}</button></div>
    </form>
    <section class="card">
      <${ErrorBox} error=${err} onRetry=${load} />
      ${items ? html`<div class="table-wrap"><table class="admin-table">
        <thead><tr><th scope="col">${t('name')}</th><th scope="col">${t('active')}</th><th scope="col">${t('f_created')}</th><th scope="col">${t('key_used')}</th><th scope="col">${t('actions')}</th></tr></thead>
        <tbody>${items.map((k) => html`<tr data-id=${k.id}>
          <td>${k.name}</td><td>${k.active ? html`<span class="ok-text">✓ ${t('active')}</span>` : html`<span class="muted">✖ ${t('key_revoked')} ${fmtTime(k.revoked_at)}</span>`}</td>
          <td>${fmtTime(k.created_at)}</td><td>${fmtTime(k.last_used_at)}</td>
          <td>${k.active ? html`<button type="button" onClick=${() => revoke(k)} aria-label=${t('key_revoke') + ' ' + k.name}>${t('key_revoke')}</button>` : null}</td>
        </tr>`)}</tbody></table></div>${items.length === 0 ? html`<p class="empty">${t('nothing')}</p>` : null}` : html`<p class="muted">${t('loading')}</p>`}
    </section>
  </div>`;
}

const ATTR_TYPES = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'];

/** The Open311 extra questions of one category (GET/PUT /categories/{id}/attributes). */
export function CategoryQuestions({ category }) {
  const [attrs, setAttrs] = useState(null);
  const [err, setErr] = useState(null);
  const [notice, setNotice] = useState(null);
  useEffect(() => {
    setAttrs(null);
    get(`/categories/${category.id}/attributes`).then((d) => setAttrs((d.attributes || []).map((a) => ({ ...a, valuesText: (a.values || []).map((x) => `${x.key}=${x.name}`).join('\n') }))),
      (e) => setErr(e));
  }, [category.id]);
  if (err && err.status === 404) return null;
  if (err) return html`<${ErrorBox} error=${err} />`;
  if (!attrs) return null;
  const set = (i, k, v) => setAttrs(attrs.map((a, j) => (j === i ? { ...a, [k]: v } : a)));
  const save = async () => {
    const body = {
      attributes: attrs.map((a, i) => {
        const o = { code: a.code, datatype: a.datatype, description: a.description, required: !!a.required, order: i + 1 };
        if (a.datatype.endsWith('valuelist')) {
          o.values = a.valuesText.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
            const [key, ...rest] = l.split('=');
            return { key: key.trim(), name: (rest.join('=') || key).trim() };
          });
        }
        return o;
      }),
    };
    try {
      await put(`/categories/${category.id}/attributes`, body);
      setNotice({ kind: 'ok', text: t('saved') });
    } catch (ex) { setNotice({ kind: 'error', text: t('error', { msg: (ex.field ? ex.field + ': ' : '') + ex.message }) }); }
  };
  return html`<section class="card" aria-labelledby="attrs-h">
    <h2 id="attrs-h">${t('attrs_title', { name: category.name })}</h2>
    <${Notice} notice=${notice} onClose=${() => setNotice(null)} />
    ${attrs.length === 0 ? html`<p class="muted">${t('nothing')}</p>` : null}
    ${attrs.map((a, i) => html`<fieldset class="attr">
      <legend>${t('attr_n', { n: i + 1 })}</legend>
      <div class="form-grid">
        <div class="field"><label for=${`attr-${i}-code`}>${t('code')}</label>
          <input id=${`attr-${i}-code`} value=${a.code} onInput=${(e) => set(i, 'code', e.currentTarget.value)} /></div>
        <div class="field"><label for=${`attr-${i}-type`}>${t('attr_type')}</label>
          <select id=${`attr-${i}-type`} value=${a.datatype} onChange=${(e) => set(i, 'datatype', e.currentTarget.value)}>
            ${ATTR_TYPES.map((x) => html`<option value=${x}>${x}</option>`)}</select></div>
        <div class="field"><label for=${`attr-${i}-desc`}>${t('attr_question')}</label>
          <input id=${`attr-${i}-desc`} value=${a.description} onInput=${(e) => set(i, 'description', e.currentTarget.value)} /></div>
        <div class="field field-check"><input id=${`attr-${i}-req`} type="checkbox" checked=${!!a.required} onChange=${(e) => set(i, 'required', e.currentTarget.checked)} />
          <label for=${`attr-${i}-req`}>${t('required')}</label></div>
      </div>
      ${a.datatype.endsWith('valuelist') ? html`<div class="field"><label for=${`attr-${i}-values`}>${t('attr_values')}</label>
        <textarea id=${`attr-${i}-values`} rows="3" value=${a.valuesText} onInput=${(e) => set(i, 'valuesText', e.currentTarget.value)}></textarea></div>` : null}
      <button type="button" onClick=${() => setAttrs(attrs.filter((_, j) => j !== i))}>${t('remove')}</button>
    </fieldset>`)}
    <div class="form-buttons">
      <button type="button" onClick=${() => setAttrs([...attrs, { code: '', datatype: 'string', description: '', required: false, valuesText: '' }])}>${t('attr_add')}</button>
      <button type="button" class="primary" onClick=${save}>${t('save')}</button>
    </div>
  </section>`;
}
