// 工单查询 — every ticket the user may see, filtered and paged from the server.
import { html, useState, useEffect } from '../lib.js';
import { listTakes } from '../api.js';
import { t, tl, STATUSES, TYPES, CHANNELS } from '../i18n.js';
import { TicketTable, usePagedTickets, UnitSelect, CategoryPicker, ExportLinks } from '../components.js';

export function TicketsPage({ user, ref_, route }) {
  const q0 = route.query;
  const [filters, setFilters] = useState(() => ({
    status: q0.get('status') || '', type: q0.get('type') || '', channel: q0.get('channel') || '',
    sla: q0.get('sla') || '', unit_id: q0.get('unit_id') ? Number(q0.get('unit_id')) : null,
    category_id: q0.get('category_id') ? Number(q0.get('category_id')) : null,
    from: q0.get('from') || '', to: q0.get('to') || '', phone: q0.get('phone') || '', q: q0.get('q') || '',
    sort: q0.get('sort') || 'newest',
  }));
  const [draft, setDraft] = useState(filters);
  const [hasQ, setHasQ] = useState(false);
  useEffect(() => { listTakes('q', '电梯').then(setHasQ); }, []);
  const list = usePagedTickets(filters, { limit: 25 });
  const set = (k, v) => setDraft((s) => ({ ...s, [k]: v }));
  const apply = (e) => {
    e.preventDefault();
    setFilters(draft);
    const u = new URLSearchParams();
    for (const [k, v] of Object.entries(draft)) if (v !== '' && v !== null) u.set(k, v);
    history.replaceState(null, '', '/tickets' + (u.toString() ? '?' + u : ''));
  };
  const center = user.role !== 'handler';
  return html`<div class="tickets-page">
    <h1>${t('nav_tickets')}</h1>
    <form class="card filters" onSubmit=${apply} aria-label=${t('nav_tickets')}>
      ${hasQ ? html`<div class="field"><label for="flt-q">${t('f_q')}</label>
        <input id="flt-q" type="search" value=${draft.q} onInput=${(e) => set('q', e.currentTarget.value)} /></div>` : null}
      <div class="field"><label for="flt-status">${t('f_status')}</label>
        <select id="flt-status" value=${draft.status} onChange=${(e) => set('status', e.currentTarget.value)}>
          <option value="">${t('any')}</option>
          ${STATUSES.map((s) => html`<option value=${s}>${tl('status', s)}</option>`)}
        </select></div>
      <div class="field"><label for="flt-type">${t('f_type')}</label>
        <select id="flt-type" value=${draft.type} onChange=${(e) => set('type', e.currentTarget.value)}>
          <option value="">${t('any')}</option>
          ${TYPES.map((s) => html`<option value=${s}>${tl('type', s)}</option>`)}
        </select></div>
      <div class="field"><label for="flt-channel">${t('f_channel')}</label>
        <select id="flt-channel" value=${draft.channel} onChange=${(e) => set('channel', e.currentTarget.value)}>
          <option value="">${t('any')}</option>
          ${CHANNELS.map((s) => html`<option value=${s}>${tl('channel', s)}</option>`)}
        </select></div>
      <div class="field"><label for="flt-sla">${t('f_sla')}</label>
        <select id="flt-sla" value=${draft.sla} onChange=${(e) => set('sla', e.currentTarget.value)}>
          <option value="">${t('any')}</option>
          ${['ok', 'warning', 'overdue'].map((s) => html`<option value=${s}>${tl('sla', s)}</option>`)}
        </select></div>
      <div class="field"><label for="flt-unit">${t('f_unit')}</label>
        <${UnitSelect} id="flt-unit" ref_=${ref_} value=${draft.unit_id} empty=${t('any')} onChange=${(v) => set('unit_id', v)} /></div>
      <div class="field"><label for="flt-category">${t('f_category')}</label>
        <${CategoryPicker} id="flt-category" ref_=${ref_} value=${draft.category_id} label=${t('f_category')} onChange=${(v) => set('category_id', v)} />
        ${draft.category_id ? html`<button type="button" class="link-button" onClick=${() => set('category_id', null)}>${t('any')}</button>` : null}</div>
      <div class="field"><label for="flt-from">${t('f_from')}</label>
        <input id="flt-from" type="date" value=${draft.from} onInput=${(e) => set('from', e.currentTarget.value)} /></div>
      <div class="field"><label for="flt-to">${t('f_to')}</label>
        <input id="flt-to" type="date" value=${draft.to} onInput=${(e) => set('to', e.currentTarget.value)} /></div>
      ${center ? html`<div class="field"><label for="flt-phone">${t('f_phone')}</label>
        <input id="flt-phone" type="tel" value=${draft.phone} onInput=${(e) => set('phone', e.currentTarget.value.trim())} /></div>` : null}
      <div class="field"><label for="flt-sort">${t('sort')}</label>
        <select id="flt-sort" value=${draft.sort} onChange=${(e) => set('sort', e.currentTarget.value)}>
          <option value="newest">${t('sort_newest')}</option>
          <option value="due">${t('sort_due')}</option>
        </select></div>
      <div class="form-buttons"><button type="submit" class="primary">${t('refresh')}</button></div>
    </form>
    <section class="card">
      <${ExportLinks} params=${filters} />
      <${TicketTable} list=${list} ref_=${ref_} columns=${['sla', 'number', 'title', 'type', 'status', 'unit', 'due', 'created']} />
    </section>
  </div>`;
}
