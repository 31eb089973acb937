// 系统管理 — units, categories, users; and the calendar, deadline rules and
// API keys when the server has those endpoints (read-only views for now).
import { html, useState, useEffect, useRef } from '../lib.js';
import { get, post, patch, itemsOf } from '../api.js';
import { t, tl, KINDS, ROLES } from '../i18n.js';
import { fmtTime } from '../format.js';
import { Notice, ErrorBox, FieldError, UnitSelect } from '../components.js';

function refChanged() { window.dispatchEvent(new Event('rexian:ref')); }

/**
 * A list with one form above it, for creating (empty) or editing (a row).
 * fields: {name, label, kind: text|password|select|checkbox|unit|category,
 * options?, required?, createOnly?, editOnly?, show?(values)}.
 */
function Crud({ title, newLabel, path, fields, columns, ref_, prepare, idPrefix }) {
  const [items, setItems] = useState(null);
  const [err, setErr] = useState(null);
  const [editing, setEditing] = useState(null); // null: new
  const [values, setValues] = useState({});
  const [formErr, setFormErr] = useState(null);
  const [notice, setNotice] = useState(null);
  const firstRef = useRef(null);
  const load = () => get(path).then((d) => { setItems(itemsOf(d)); setErr(null); }, setErr);
  useEffect(() => { load(); }, [path]);
  const defaults = () => Object.fromEntries(fields.filter((f) => f.kind === 'checkbox').map((f) => [f.name, true]));
  useEffect(() => { setValues(defaults()); }, [path]);
  const startEdit = (it) => {
    setEditing(it);
    const v = {};
    for (const f of fields) if (!f.createOnly) v[f.name] = it[f.name];
    setValues(v);
    setFormErr(null);
    setTimeout(() => firstRef.current && firstRef.current.focus(), 0);
  };
  const startNew = () => { setEditing(null); setValues(defaults()); setFormErr(null); setTimeout(() => firstRef.current && firstRef.current.focus(), 0); };
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
    columns=${columns}
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

/** Endpoints that other issues add (calendar, deadline rules, API keys): shown as a table. */
export function AdminGeneric({ path, titleKey }) {
  const [items, setItems] = useState(null);
  const [err, setErr] = useState(null);
  useEffect(() => { get(path).then((d) => setItems(itemsOf(d)), setErr); }, [path]);
  const keys = items && items.length ? Object.keys(items[0]).filter((k) => typeof items[0][k] !== 'object' || items[0][k] === null) : [];
  const show = (v) => (typeof v === 'boolean' ? (v ? t('yes') : t('no')) : typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) ? fmtTime(v) : v === null ? '' : String(v));
  return html`<div class="admin">
    <h1>${t(titleKey)}</h1>
    ${err ? (err.status === 404 ? html`<p class="card muted">${t('not_available')}</p>` : html`<${ErrorBox} error=${err} />`) : null}
    ${items ? html`<section class="card"><div class="table-wrap"><table class="admin-table">
      <thead><tr>${keys.map((k) => html`<th scope="col">${k}</th>`)}</tr></thead>
      <tbody>${items.map((it) => html`<tr>${keys.map((k) => html`<td>${show(it[k])}</td>`)}</tr>`)}</tbody>
    </table></div>${items.length === 0 ? html`<p class="empty">${t('nothing')}</p>` : null}</section>` : null}
  </div>`;
}
