// Pieces shared by the screens. Every server string goes through Preact's
// text escaping: nothing here sets innerHTML.
import { html, useState, useEffect, useLayoutEffect, useRef, useMemo, useCallback } from './lib.js';
import { t, tl, getLang, SATISFACTIONS } from './i18n.js';
import { get, qs, action, itemsOf, ApiError, BASE } from './api.js';
import { fmtTime, timeLeft, runningDue, toLocalInput, fromLocalInput, learnOffset } from './format.js';
import { linkClick } from './router.js';
import { onLive } from './live.js';

/** Apache ECharts, loaded once on first use (pages without charts never fetch it). */
let echartsP = null;
export function loadEcharts() {
  if (!echartsP) echartsP = import('../vendor/echarts.esm.min.js');
  return echartsP;
}

let uid = 0;
export const useId = (prefix = 'f') => useMemo(() => `${prefix}-${++uid}`, []);

// ---- small pieces ---------------------------------------------------------

/**
 * 导出 CSV / 导出 Excel: plain download links to the server's export of the
 * list `params` shows (the same filters; paging left out). The session
 * cookie goes with a GET, and Content-Disposition names the file.
 */
export function ExportLinks({ params }) {
  const { limit, after, ...filters } = params || {};
  const href = (format) => BASE + '/tickets/export' +
    qs({ ...filters, format, lang: getLang() === 'en' ? 'en' : '' });
  return html`<div class="export-links" role="group" aria-label=${t('export')}>
    <a class="button small" href=${href('csv')} download data-export="csv">${t('export_csv')}</a>
    <a class="button small" href=${href('xlsx')} download data-export="xlsx">${t('export_xlsx')}</a>
  </div>`;
}

export function Link({ href, children, ...rest }) {
  return html`<a href=${href} onClick=${linkClick} ...${rest}>${children}</a>`;
}

const SLA_ICON = { ok: '✓', warning: '⚠', overdue: '✖' };

/** The SLA card: colour AND icon AND words (即将超期 / 已超期), plus time left. */
export function SlaBadge({ ticket, showLeft = true }) {
  const level = ticket.sla;
  if (!level) return null;
  const due = runningDue(ticket);
  return html`<span class=${'sla sla-' + level} data-sla=${level}>
    <span aria-hidden="true">${SLA_ICON[level] || ''}</span> ${tl('sla', level)}${showLeft && due
      ? html`<span class="sla-left"> · ${timeLeft(due)}</span>` : null}</span>`;
}

export function StatusBadge({ status }) {
  return html`<span class=${'status status-' + status} data-status=${status}>${tl('status', status)}</span>`;
}

export function Notice({ notice, onClose }) {
  if (!notice) return null;
  const isErr = notice.kind === 'error';
  return html`<div class=${'notice notice-' + (notice.kind || 'ok')} role=${isErr ? 'alert' : 'status'}>
    <span>${notice.text}</span>
    ${notice.link ? html` <${Link} href=${notice.link.href}>${notice.link.text}</${Link}>` : null}
    ${onClose ? html` <button type="button" class="link-button" onClick=${onClose}>${t('close')}</button>` : null}
  </div>`;
}

export function ErrorBox({ error, onRetry }) {
  if (!error) return null;
  return html`<div class="notice notice-error" role="alert">
    ${t('error', { msg: error.message || String(error) })}
    ${onRetry ? html` <button type="button" onClick=${onRetry}>${t('retry')}</button>` : null}
  </div>`;
}

export function Tabs({ tabs, value, onChange, label }) {
  const refs = useRef({});
  const onKey = (e, i) => {
    let j = null;
    if (e.key === 'ArrowRight') j = (i + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') j = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = tabs.length - 1;
    if (j === null) return;
    e.preventDefault();
    onChange(tabs[j].id);
    const el = refs.current[tabs[j].id];
    if (el) el.focus();
  };
  return html`<div class="tabs" role="tablist" aria-label=${label}>
    ${tabs.map((tab, i) => html`<button type="button" role="tab" id=${'tab-' + tab.id}
        ref=${(el) => { refs.current[tab.id] = el; }}
        aria-selected=${value === tab.id ? 'true' : 'false'} tabindex=${value === tab.id ? 0 : -1}
        aria-controls=${'panel-' + tab.id} data-tab=${tab.id}
        onClick=${() => onChange(tab.id)} onKeyDown=${(e) => onKey(e, i)}>
        ${tab.label}${tab.count !== undefined && tab.count !== null ? html` <span class="count">${tab.count}</span>` : null}
      </button>`)}
  </div>`;
}

// ---- form fields ----------------------------------------------------------

export function FieldError({ id, error }) {
  if (!error) return null;
  return html`<span class="field-error" id=${id} role="alert">${error}</span>`;
}

/** Unit <select>; `filter` keeps some units, `empty` names the empty choice. */
export function UnitSelect({ id, ref_, value, onChange, filter, empty, required, describedBy, name }) {
  const rows = ref_.unitTree.filter(({ item }) => item.active !== false && (!filter || filter(item)));
  return html`<select id=${id} name=${name} required=${required} aria-describedby=${describedBy}
      value=${value === null || value === undefined ? '' : String(value)}
      onChange=${(e) => onChange(e.currentTarget.value ? Number(e.currentTarget.value) : null)}>
    <option value="">${empty || t('none_selected')}</option>
    ${rows.map(({ item, depth }) => html`<option value=${String(item.id)}>${'\u3000'.repeat(depth)}${item.name}</option>`)}
  </select>`;
}

/**
 * The searchable category tree: a combobox (ARIA 1.2 pattern). Typing filters
 * by name, path or code; arrows move; Enter picks; Escape closes.
 */
export function CategoryPicker({ id, ref_, value, onChange, inputRef, describedBy, label }) {
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const listId = id + '-list';
  const selectedPath = value ? ref_.catPath(value) : '';
  const options = useMemo(() => {
    const q = query.trim().toLowerCase();
    const rows = ref_.catTree.filter(({ item }) => item.active !== false);
    if (!q) return rows;
    return rows.filter(({ item }) => {
      const path = ref_.catPath(item.id).toLowerCase();
      return path.includes(q) || String(item.code).toLowerCase().includes(q);
    });
  }, [query, ref_]);
  useEffect(() => { setActive(0); }, [query]);
  const listRef = useRef(null);
  useEffect(() => {
    if (!open || !listRef.current) return;
    const el = listRef.current.querySelector('[aria-selected="true"]');
    if (el && el.scrollIntoView) el.scrollIntoView({ block: 'nearest' });
  }, [active, open]);

  const pick = (row) => {
    if (!row) return;
    onChange(row.item.id);
    setQuery('');
    setOpen(false);
  };
  const onKey = (e) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (!open) { setOpen(true); return; }
      setActive((a) => Math.min(a + 1, options.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === 'Enter') {
      if (open && options.length) {
        e.preventDefault();
        pick(options[active]);
      }
    } else if (e.key === 'Escape') {
      if (open) { e.preventDefault(); setOpen(false); setQuery(''); }
    } else if (e.key === 'Tab') {
      if (open && query && options.length) pick(options[active]);
      else setOpen(false);
    }
  };
  const activeId = open && options[active] ? `${id}-opt-${options[active].item.id}` : undefined;
  return html`<div class="combo">
    <input id=${id} ref=${inputRef} type="text" role="combobox" autocomplete="off"
      aria-autocomplete="list" aria-expanded=${open ? 'true' : 'false'} aria-controls=${listId}
      aria-activedescendant=${activeId} aria-describedby=${describedBy}
      placeholder=${selectedPath || t('category_search')}
      value=${open ? query : selectedPath}
      onFocus=${(e) => { e.currentTarget.select && e.currentTarget.select(); }}
      onInput=${(e) => { setQuery(e.currentTarget.value); setOpen(true); }}
      onKeyDown=${onKey}
      onBlur=${() => setTimeout(() => { setOpen(false); setQuery(''); }, 150)} />
    ${open ? html`<ul class="combo-list" id=${listId} role="listbox" aria-label=${label} ref=${listRef}>
      ${options.length === 0 ? html`<li class="combo-empty" role="option" aria-disabled="true" aria-selected="false">${t('category_none')}</li>` : null}
      ${options.map((row, i) => html`<li id=${`${id}-opt-${row.item.id}`} role="option"
          aria-selected=${i === active ? 'true' : 'false'} class=${'depth-' + row.depth}
          onMouseDown=${(e) => { e.preventDefault(); pick(row); }}>
          ${query ? ref_.catPath(row.item.id) : row.item.name}<span class="code"> ${row.item.code}</span>
        </li>`)}
    </ul>` : null}
  </div>`;
}

/**
 * A search snippet with its highlights, built as elements (never as HTML).
 * The server sends the passage HTML-escaped with <mark>…</mark> around the
 * hits; we split on the marks and decode the five entities into text.
 */
const ENTITIES = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const unescape = (s) => s.replace(/&(amp|lt|gt|quot|#39);/g, (m) => ENTITIES[m]);

export function Highlight({ text }) {
  const parts = [];
  const re = /<mark>([\s\S]*?)<\/mark>|\u0002([\s\S]*?)\u0003/g;
  let last = 0;
  let m;
  const s = String(text || '');
  while ((m = re.exec(s))) {
    if (m.index > last) parts.push(unescape(s.slice(last, m.index)));
    parts.push(html`<mark>${unescape(m[1] !== undefined ? m[1] : m[2])}</mark>`);
    last = re.lastIndex;
  }
  if (last < s.length) parts.push(unescape(s.slice(last)));
  return html`${parts}`;
}

// ---- ticket lists ---------------------------------------------------------

/**
 * A ticket list paged from the server (limit/after). Reloads on live events,
 * keeping as many rows as were shown (up to 200).
 */
export function usePagedTickets(params, { limit = 20, live = true } = {}) {
  const key = JSON.stringify(params);
  const [state, setState] = useState({ items: [], next: null, loading: true, error: null });
  const shown = useRef(limit);
  const seq = useRef(0);
  const load = useCallback(async (keep) => {
    const my = ++seq.current;
    const n = keep ? Math.min(Math.max(shown.current, limit), 200) : limit;
    if (!keep) shown.current = limit;
    setState((s) => ({ ...s, loading: true, error: null, ...(keep ? {} : { items: [], next: null }) }));
    try {
      const d = await get('/tickets' + qs({ ...params, limit: n }));
      if (my !== seq.current) return;
      const items = itemsOf(d);
      if (items[0]) learnOffset(items[0].created_at);
      setState({ items, next: d.next, loading: false, error: null });
    } catch (e) {
      if (my !== seq.current) return;
      setState((s) => ({ ...s, loading: false, error: e }));
    }
  }, [key]);
  const loadMore = useCallback(async () => {
    if (!state.next) return;
    const my = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    try {
      const d = await get('/tickets' + qs({ ...params, limit, after: state.next }));
      if (my !== seq.current) return;
      setState((s) => {
        const items = s.items.concat(itemsOf(d));
        shown.current = items.length;
        return { items, next: d.next, loading: false, error: null };
      });
    } catch (e) {
      if (my !== seq.current) return;
      setState((s) => ({ ...s, loading: false, error: e }));
    }
  }, [key, state.next]);
  useEffect(() => { load(false); }, [key]);
  useEffect(() => (live ? onLive(() => load(true)) : undefined), [key, live]);
  return { ...state, loadMore, reload: () => load(true) };
}

export function TicketTable({ list, ref_, columns, rowActions, caption, emptyText }) {
  const cols = columns || ['sla', 'number', 'title', 'type', 'status', 'unit', 'due', 'created'];
  const head = {
    sla: t('f_sla'), number: t('f_number'), title: t('f_title'), type: t('f_type'),
    urgency: t('f_urgency'), status: t('f_status'), unit: t('f_unit'), due: t('f_due'),
    created: t('f_created'), category: t('f_category'), phone: t('f_phone'),
  };
  const cell = (c, tk) => {
    switch (c) {
      case 'sla': return html`<${SlaBadge} ticket=${tk} showLeft=${false} />`;
      case 'number': return html`<${Link} href=${'/t/' + tk.number} class="mono">${tk.number}</${Link}>`;
      case 'title': return html`<span class="title-cell">${tk.urgency !== 'normal'
        ? html`<span class=${'urg urg-' + tk.urgency}>${tl('urgency', tk.urgency)}</span> ` : null}${tk.title}</span>${tk.snippet
        ? html`<br /><small class="snippet"><${Highlight} text=${tk.snippet} /></small>` : null}`;
      case 'type': return tl('type', tk.type);
      case 'urgency': return tl('urgency', tk.urgency);
      case 'status': return html`<${StatusBadge} status=${tk.status} />${tk.extension_pending
        ? html` <span class="tag">${t('f_extension')}</span>` : null}`;
      case 'unit': return ref_ ? ref_.unitName(tk.unit_id) : tk.unit_id;
      case 'category': return ref_ ? ref_.catName(tk.category_id) : tk.category_id;
      case 'due': {
        const due = runningDue(tk);
        return due ? html`<span title=${fmtTime(due)}>${fmtTime(due)}<br /><small>${timeLeft(due)}</small></span>` : '';
      }
      case 'created': return fmtTime(tk.created_at);
      case 'phone': return tk.citizen && tk.citizen.phone ? tk.citizen.phone : '';
      default: return '';
    }
  };
  return html`<div class="table-wrap">
    <table class="tickets">
      ${caption ? html`<caption>${caption}</caption>` : null}
      <thead><tr>${cols.map((c) => html`<th scope="col">${head[c]}</th>`)}${rowActions ? html`<th scope="col">${t('actions')}</th>` : null}</tr></thead>
      <tbody>
        ${list.items.map((tk) => html`<tr data-number=${tk.number} class=${tk.sla ? 'row-' + tk.sla : ''}>
          ${cols.map((c) => html`<td class=${'c-' + c}>${cell(c, tk)}</td>`)}
          ${rowActions ? html`<td class="c-actions">${rowActions(tk)}</td>` : null}
        </tr>`)}
      </tbody>
    </table>
    ${!list.loading && list.items.length === 0 && !list.error ? html`<p class="empty">${emptyText || t('no_items')}</p>` : null}
    <${ErrorBox} error=${list.error} onRetry=${list.reload} />
    <div class="pager">
      ${list.loading ? html`<span class="muted" aria-live="polite">${t('loading')}</span>` : null}
      ${list.next && !list.loading ? html`<button type="button" onClick=${list.loadMore}>${t('load_more')}</button>` : null}
    </div>
  </div>`;
}

// ---- the ticket's history ---------------------------------------------------

function argText(k, v, ref_) {
  if (v === null || v === undefined || v === '') return null;
  switch (k) {
    case 'unit_id': return [t('f_unit'), ref_.unitName(v)];
    case 'co_unit_ids': return Array.isArray(v) && v.length ? [t('f_co_units'), v.map((x) => ref_.unitName(x)).join('、')] : null;
    case 'until': return [t('f_until'), fmtTime(v)];
    case 'contacted_at': return [t('f_contacted_at'), fmtTime(v)];
    case 'satisfaction': return [t('f_satisfaction'), tl('sat', v)];
    case 'resolved': return [t('f_resolved'), v ? t('yes') : t('no')];
    case 'contacted': return [t('f_contacted'), v ? t('yes') : t('no')];
    case 'reason': return [t('f_reason'), String(v)];
    case 'reply': return [t('f_reply'), String(v)];
    case 'answer': return [t('f_answer'), String(v)];
    case 'master': return [t('f_master'), String(v)];
    case 'kb_article_id': return [t('f_kb_article'), '#' + v];
    case 'note': return null; // shown as the event's note
    default: return [k, typeof v === 'object' ? JSON.stringify(v) : String(v)];
  }
}

export function Timeline({ events, ref_ }) {
  if (!events) return html`<p class="muted">${t('loading')}</p>`;
  return html`<ol class="timeline">
    ${events.map((e) => {
      const args = Object.entries(e.args || {}).map(([k, v]) => argText(k, v, ref_)).filter(Boolean);
      return html`<li class=${'ev ev-' + e.action} data-action=${e.action}>
        <div class="ev-head">
          <time datetime=${e.at}>${fmtTime(e.at)}</time>
          <strong class="ev-action">${tl('act', e.action)}</strong>
          ${e.actor ? html`<span class="ev-actor">${e.actor.name}</span>` : null}
          ${e.from && e.to && e.from !== e.to ? html`<span class="ev-move">${tl('status', e.from)} → ${tl('status', e.to)}</span>` : null}
        </div>
        ${args.length ? html`<dl class="ev-args">${args.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>` : null}
        ${e.note ? html`<p class="ev-note">${e.note}</p>` : null}
      </li>`;
    })}
  </ol>`;
}

// ---- actions --------------------------------------------------------------

const FORMS = {
  answer: [{ name: 'answer', kind: 'textarea', required: true }, { name: 'kb_article_id', kind: 'number' }],
  dispatch: [{ name: 'unit_id', kind: 'unit', required: true }, { name: 'co_unit_ids', kind: 'units' }, { name: 'note', kind: 'textarea' }],
  accept: [{ name: 'note', kind: 'text' }],
  subdispatch: [{ name: 'unit_id', kind: 'childunit', required: true }, { name: 'note', kind: 'textarea' }],
  return: [{ name: 'reason', kind: 'textarea', required: true }],
  refuse_return: [{ name: 'reason', kind: 'textarea', required: true }],
  request_extension: [{ name: 'until', kind: 'datetime', required: true }, { name: 'reason', kind: 'textarea', required: true }],
  approve_extension: [{ name: 'note', kind: 'text' }],
  refuse_extension: [{ name: 'reason', kind: 'textarea', required: true }],
  reply: [{ name: 'reply', kind: 'textarea', required: true }, { name: 'contacted', kind: 'checkbox' }, { name: 'contacted_at', kind: 'datetime' }],
  callback: [{ name: 'satisfaction', kind: 'radio', options: SATISFACTIONS, required: true }, { name: 'resolved', kind: 'checkbox' }, { name: 'note', kind: 'textarea' }],
  reopen: [{ name: 'reason', kind: 'textarea', required: true }, { name: 'unit_id', kind: 'unit' }],
  merge: [{ name: 'master', kind: 'text', required: true }],
  urge: [{ name: 'note', kind: 'text' }],
  comment: [{ name: 'note', kind: 'textarea', required: true }],
};

const LABEL = {
  unit_id: 'f_unit', co_unit_ids: 'f_co_units', note: 'f_note', reason: 'f_reason', until: 'f_until',
  reply: 'f_reply', contacted: 'f_contacted', contacted_at: 'f_contacted_at', satisfaction: 'f_satisfaction',
  resolved: 'f_resolved', master: 'f_master', answer: 'f_answer', kb_article_id: 'f_kb_article',
};

const PRIMARY = new Set(['accept', 'reply', 'dispatch', 'callback', 'approve_extension', 'answer']);

function initialValues(name, ticket, ref_) {
  const v = {};
  if (name === 'dispatch') v.unit_id = ticket.unit_id || (ticket.category_id ? ref_.catDefaultUnit(ticket.category_id) : null);
  if (name === 'reply') v.contacted = true;
  if (name === 'callback') v.resolved = true;
  if (name === 'request_extension') {
    const base = ticket.reply_due ? Date.parse(ticket.reply_due) : Date.now();
    v.until = toLocalInput(base + 5 * 86400000);
  }
  return v;
}

/** Arguments for the API from the form's values (empty optional ones left out). */
function argsOf(name, values) {
  const out = {};
  for (const f of FORMS[name] || []) {
    let v = values[f.name];
    if (f.kind === 'checkbox') { out[f.name] = !!v; continue; }
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    if (f.kind === 'datetime') v = fromLocalInput(v);
    if (f.kind === 'number') v = Number(v);
    out[f.name] = v;
  }
  return out;
}

export function ActionForm({ name, ticket, ref_, onDone, onCancel, onConflict, submitLabel, idPrefix = 'act' }) {
  const [values, setValues] = useState(() => initialValues(name, ticket, ref_));
  // The version the user saw when opening the form: a change by someone else
  // meanwhile answers 409 instead of being overwritten.
  const [version] = useState(ticket.version);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState(null);
  const firstRef = useRef(null);
  useLayoutEffect(() => { if (firstRef.current) firstRef.current.focus(); }, [name]); // before paint
  const set = (k, v) => setValues((s) => ({ ...s, [k]: v }));
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setErr(null);
    try {
      const tk = await action(ticket.number, name, version, argsOf(name, values));
      setBusy(false);
      onDone(tk, name);
    } catch (ex) {
      setBusy(false);
      if (ex.status === 409 && onConflict) {
        onConflict(ex);
        return;
      }
      setErr(ex);
    }
  };
  const fields = FORMS[name] || [];
  const pid = `${idPrefix}-${name}`;
  const errFor = (f) => (err && err.field === f ? err.message : null);
  return html`<form class="action-form" data-action=${name} onSubmit=${submit} aria-label=${tl('act', name)}>
    ${fields.map((f, i) => {
      const id = `${pid}-${f.name}`;
      const eid = id + '-err';
      const fe = errFor(f.name);
      const common = { id, name: f.name, required: f.required, 'aria-invalid': fe ? 'true' : undefined, 'aria-describedby': fe ? eid : undefined };
      const r = i === 0 ? firstRef : undefined;
      const label = html`<label for=${id}>${t(LABEL[f.name] || f.name)}${f.required ? html`<span class="req" aria-hidden="true"> *</span>` : null}</label>`;
      switch (f.kind) {
        case 'textarea':
          return html`<div class="field">${label}<textarea ...${common} ref=${r} rows="3" value=${values[f.name] || ''}
            onInput=${(e) => set(f.name, e.currentTarget.value)}></textarea><${FieldError} id=${eid} error=${fe} /></div>`;
        case 'checkbox':
          return html`<div class="field field-check"><input type="checkbox" ...${common} ref=${r} checked=${!!values[f.name]}
            onChange=${(e) => set(f.name, e.currentTarget.checked)} />${label}<${FieldError} id=${eid} error=${fe} /></div>`;
        case 'datetime':
          return html`<div class="field">${label}<input type="datetime-local" ...${common} ref=${r} value=${values[f.name] || ''}
            onInput=${(e) => set(f.name, e.currentTarget.value)} /><${FieldError} id=${eid} error=${fe} /></div>`;
        case 'number':
          return html`<div class="field">${label}<input type="number" min="1" ...${common} ref=${r} value=${values[f.name] || ''}
            onInput=${(e) => set(f.name, e.currentTarget.value)} /><${FieldError} id=${eid} error=${fe} /></div>`;
        case 'unit':
        case 'childunit': {
          const filter = f.kind === 'childunit'
            ? ((u) => ref_.unitDescendants(ticket.unit_id).some((d) => d.id === u.id))
            : ((u) => u.kind !== 'center');
          return html`<div class="field">${label}<${UnitSelect} ...${common} ref_=${ref_} value=${values[f.name]}
            filter=${filter} describedBy=${fe ? eid : undefined} onChange=${(v) => set(f.name, v)} /><${FieldError} id=${eid} error=${fe} /></div>`;
        }
        case 'units': {
          const sel = values[f.name] || [];
          return html`<div class="field">${label}<select multiple size="4" ...${common}
            onChange=${(e) => set(f.name, Array.from(e.currentTarget.selectedOptions).map((o) => Number(o.value)))}>
            ${ref_.unitTree.filter(({ item }) => item.kind !== 'center' && item.active !== false).map(({ item, depth }) =>
              html`<option value=${String(item.id)} selected=${sel.includes(item.id)}>${'\u3000'.repeat(depth)}${item.name}</option>`)}
          </select><${FieldError} id=${eid} error=${fe} /></div>`;
        }
        case 'radio':
          return html`<fieldset class="field radios" aria-describedby=${fe ? eid : undefined}>
            <legend>${t(LABEL[f.name] || f.name)}${f.required ? html`<span class="req" aria-hidden="true"> *</span>` : null}</legend>
            ${f.options.map((o, j) => html`<label class="radio"><input type="radio" name=${pid + '-' + f.name} value=${o}
              ref=${i === 0 && j === 0 ? r : undefined} required=${f.required}
              checked=${values[f.name] === o} onChange=${() => set(f.name, o)} /> ${tl('sat', o)}</label>`)}
            <${FieldError} id=${eid} error=${fe} />
          </fieldset>`;
        default:
          return html`<div class="field">${label}<input type="text" ...${common} ref=${r} value=${values[f.name] || ''}
            onInput=${(e) => set(f.name, e.currentTarget.value)} /><${FieldError} id=${eid} error=${fe} /></div>`;
      }
    })}
    ${err && !fields.some((f) => f.name === err.field) ? html`<${ErrorBox} error=${err} />` : null}
    <div class="form-buttons">
      <button type="submit" class="primary" disabled=${busy}>${submitLabel || tl('act', name)}</button>
      ${onCancel ? html`<button type="button" onClick=${onCancel}>${t('cancel')}</button>` : null}
    </div>
  </form>`;
}

/**
 * Moves the focus, one pending move at a time. later(find) focuses what
 * find() returns after the coming re-render; now(el) focuses el at once.
 * Either drops a later move still waiting, so a deferred move never lands
 * after what the user did next (input events run before timers: on a busy
 * machine the next key can be handled before the deferred move).
 */
export function useFocusMover() {
  const timer = useRef(0);
  return useMemo(() => ({
    later(find) {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => { const el = find(); if (el) el.focus(); }, 0);
    },
    now(el) { clearTimeout(timer.current); if (el) el.focus(); },
  }), []);
}

/** Exactly the actions in allowed_actions, each opening its small form. */
export function ActionPanel({ ticket, ref_, onDone, onConflict }) {
  // The open form is kept with its ticket's number, so another ticket shows
  // none. Derived here, not cleared by an effect: an effect runs after paint
  // and could close a form opened in the meantime.
  const [opened, setOpened] = useState(null); // {number, action}
  const allowed = ticket.allowed_actions || [];
  const open = opened && opened.number === ticket.number && allowed.includes(opened.action) ? opened.action : null;
  const setOpen = (a) => setOpened(a ? { number: ticket.number, action: a } : null);
  return html`<section class="card actions-panel" aria-labelledby="actions-h">
    <h2 id="actions-h">${t('actions')}</h2>
    ${allowed.length === 0 ? html`<p class="muted">${t('no_actions')}</p>` : html`<div class="action-buttons">
      ${allowed.map((a) => html`<button type="button" data-action=${a} class=${PRIMARY.has(a) ? 'primary' : ''}
        aria-expanded=${open === a ? 'true' : 'false'} onClick=${() => setOpen(open === a ? null : a)}>${tl('act', a)}</button>`)}
    </div>`}
    ${open ? html`<${ActionForm} key=${open} name=${open} ticket=${ticket} ref_=${ref_}
      onCancel=${() => setOpen(null)} onConflict=${(e) => { setOpen(null); onConflict(e); }}
      onDone=${(tk, n) => { setOpen(null); onDone(tk, n); }} />` : null}
  </section>`;
}

export { ApiError };
