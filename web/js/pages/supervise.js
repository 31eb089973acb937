// 督办 — the supervisor's desk: approvals waiting (extension requests and
// returned tickets), the overdue board and the due-soon board, urging.
import { html, useState, useEffect, useCallback } from '../lib.js';
import { get, qs, action, itemsOf } from '../api.js';
import { t, tl } from '../i18n.js';
import { fmtTime } from '../format.js';
import { onLive } from '../live.js';
import { Tabs, TicketTable, usePagedTickets, Notice, Link, UnitSelect, SlaBadge, ErrorBox, ActionForm } from '../components.js';

const EXT_LIMIT = 200; // the list's largest page; more waiting shows as "200+"

/** Tickets with an extension request waiting, soonest deadline first. */
function useExtensions() {
  const [st, setSt] = useState({ items: [], loading: true, error: null, more: false });
  const load = useCallback(async () => {
    setSt((s) => ({ ...s, loading: true }));
    try {
      const d = await get('/tickets' + qs({ extension_pending: 'true', sort: 'due', limit: EXT_LIMIT }));
      setSt({ items: itemsOf(d), loading: false, error: null, more: !!d.next });
    } catch (e) {
      setSt((s) => ({ ...s, loading: false, error: e }));
    }
  }, []);
  useEffect(() => { load(); return onLive(() => load()); }, []);
  return { ...st, reload: load };
}

function ExtensionRow({ tk, ref_, onDone }) {
  const [refusing, setRefusing] = useState(false);
  const [err, setErr] = useState(null);
  const approve = async () => {
    try {
      const n = await action(tk.number, 'approve_extension', tk.version, {});
      onDone(n, 'approve_extension');
    } catch (e) { setErr(e); }
  };
  return html`<li class="card approval" data-number=${tk.number}>
    <p><${Link} href=${'/t/' + tk.number} class="mono">${tk.number}</${Link}> <strong>${tk.title}</strong> <${SlaBadge} ticket=${tk} /></p>
    <p>${ref_.unitName(tk.unit_id)} · ${t('f_reply_due')} ${fmtTime(tk.reply_due)} → <strong>${t('f_until')} ${fmtTime(tk.extension_until)}</strong></p>
    <p class="pre">${t('f_reason')}：${tk.extension_reason || ''}</p>
    <${ErrorBox} error=${err} />
    ${refusing ? html`<${ActionForm} name="refuse_extension" ticket=${tk} ref_=${ref_} idPrefix=${'ref-' + tk.number}
        onCancel=${() => setRefusing(false)} onConflict=${(e) => setErr(e)} onDone=${(n, name) => onDone(n, name)} />`
      : html`<div class="form-buttons">
        <button type="button" class="primary" data-action="approve_extension" onClick=${approve}>${t('approve')}</button>
        <button type="button" data-action="refuse_extension" onClick=${() => setRefusing(true)}>${t('refuse')}</button>
      </div>`}
  </li>`;
}

function Approvals({ ref_, onNotice }) {
  const ext = useExtensions();
  const returned = usePagedTickets({ status: 'returned', sort: 'due' }, { limit: 20 });
  const done = (n, name) => {
    onNotice({ kind: 'ok', text: `${n.number} · ${t('action_done', { act: tl('act', name) })}`, link: { href: '/t/' + n.number, text: t('open_ticket') } });
    ext.reload();
  };
  return html`<div>
    <section class="card" aria-labelledby="ext-h">
      <h2 id="ext-h">${t('approvals_ext')} <span class="count">${ext.items.length}${ext.more ? '+' : ''}</span></h2>
      <${ErrorBox} error=${ext.error} onRetry=${ext.reload} />
      ${!ext.loading && ext.items.length === 0 ? html`<p class="empty">${t('no_items')}</p>` : null}
      <ul class="approvals">${ext.items.map((tk) => html`<${ExtensionRow} key=${tk.number + ':' + tk.version} tk=${tk} ref_=${ref_} onDone=${done} />`)}</ul>
    </section>
    <section class="card" aria-labelledby="ret-h">
      <h2 id="ret-h">${t('approvals_ret')}</h2>
      <${TicketTable} list=${returned} ref_=${ref_} columns=${['sla', 'number', 'title', 'unit', 'due', 'created']}
        rowActions=${(tk) => html`<${Link} href=${'/t/' + tk.number}>${t('open_ticket')}</${Link}>`} />
    </section>
  </div>`;
}

function Board({ level, ref_, onNotice }) {
  const [unit, setUnit] = useState(null);
  const list = usePagedTickets({ sla: level, sort: 'due', unit_id: unit }, { limit: 25 });
  const urge = async (tk) => {
    try {
      await action(tk.number, 'urge', tk.version, {});
      onNotice({ kind: 'ok', text: t('urge_done', { number: tk.number }) });
    } catch (e) {
      onNotice({ kind: 'error', text: t('error', { msg: e.message }) });
    }
    list.reload();
  };
  return html`<section class="card">
    <div class="field inline">
      <label for=${'board-unit-' + level}>${t('f_unit')}</label>
      <${UnitSelect} id=${'board-unit-' + level} ref_=${ref_} value=${unit} empty=${t('all_units')} onChange=${setUnit} filter=${(u) => u.kind !== 'center'} />
    </div>
    <${TicketTable} list=${list} ref_=${ref_} columns=${['sla', 'number', 'title', 'status', 'unit', 'due']}
      rowActions=${(tk) => html`<button type="button" data-action="urge" aria-label=${t('act_urge') + ' ' + tk.number}
        onClick=${() => urge(tk)}>${t('act_urge')}${tk.urge_count ? ` (${tk.urge_count})` : ''}</button>`} />
  </section>`;
}

export function SupervisePage({ ref_, route }) {
  const tabs = [
    { id: 'approvals', label: t('tab_approvals') },
    { id: 'overdue', label: t('tab_overdue') },
    { id: 'warning', label: t('tab_warning') },
  ];
  const q = route.query.get('tab');
  const [tab, setTab] = useState(tabs.some((x) => x.id === q) ? q : 'approvals');
  const [notice, setNotice] = useState(null);
  const change = (id) => { setTab(id); history.replaceState(null, '', '/supervise?tab=' + id); };
  return html`<div class="supervise">
    <h1>${t('supervise_title')}</h1>
    <${Notice} notice=${notice} onClose=${() => setNotice(null)} />
    <${Tabs} label=${t('supervise_title')} tabs=${tabs} value=${tab} onChange=${change} />
    <div role="tabpanel" id=${'panel-' + tab} aria-labelledby=${'tab-' + tab}>
      ${tab === 'approvals' ? html`<${Approvals} ref_=${ref_} onNotice=${setNotice} />` : null}
      ${tab === 'overdue' ? html`<${Board} key="overdue" level="overdue" ref_=${ref_} onNotice=${setNotice} />` : null}
      ${tab === 'warning' ? html`<${Board} key="warning" level="warning" ref_=${ref_} onNotice=${setNotice} />` : null}
    </div>
  </div>`;
}
