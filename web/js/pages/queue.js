// 承办单位 — the unit's queue: to sign, in progress, returned, replied; the
// soonest deadline first, with yellow/red cards that also say so in words.
import { html, useState } from '../lib.js';
import { action } from '../api.js';
import { t } from '../i18n.js';
import { Tabs, TicketTable, usePagedTickets, Notice, Link, ExportLinks } from '../components.js';

const TABS = [
  { id: 'dispatched', key: 'tab_to_sign' },
  { id: 'processing', key: 'tab_processing' },
  { id: 'returned', key: 'tab_returned' },
  { id: 'replied', key: 'tab_replied' },
];

export function QueuePage({ user, ref_, route }) {
  const initial = TABS.some((x) => x.id === route.query.get('tab')) ? route.query.get('tab') : 'dispatched';
  const [tab, setTab] = useState(initial);
  const [notice, setNotice] = useState(null);
  const params = { status: tab, sort: tab === 'replied' ? 'newest' : 'due' };
  const list = usePagedTickets(params, { limit: 20 });
  const changeTab = (id) => {
    setTab(id);
    history.replaceState(null, '', '/queue?tab=' + id);
  };
  const sign = async (tk) => {
    try {
      await action(tk.number, 'accept', tk.version, {});
      setNotice({ kind: 'ok', text: t('signed', { number: tk.number }), link: { href: '/t/' + tk.number, text: t('open_ticket') } });
      list.reload();
    } catch (e) {
      setNotice({ kind: 'error', text: t('error', { msg: e.message }) });
      list.reload();
    }
  };
  return html`<div class="queue">
    <h1>${t('queue_title')} <small class="muted">${user.unit_id ? ref_.unitName(user.unit_id) : ''}</small></h1>
    <${Notice} notice=${notice} onClose=${() => setNotice(null)} />
    <${Tabs} label=${t('queue_title')} value=${tab} onChange=${changeTab}
      tabs=${TABS.map((x) => ({ id: x.id, label: t(x.key) }))} />
    <section role="tabpanel" id=${'panel-' + tab} aria-labelledby=${'tab-' + tab} class="card">
      ${tab !== 'replied' ? html`<p class="muted small">${t('sort_due_note')}</p>` : null}
      <${ExportLinks} params=${params} />
      <${TicketTable} list=${list} ref_=${ref_}
        columns=${['sla', 'number', 'title', 'type', 'category', 'status', 'due', 'created']}
        rowActions=${tab === 'dispatched' ? (tk) => html`<button type="button" class="primary small" data-action="accept"
          aria-label=${t('sign') + ' ' + tk.number} onClick=${() => sign(tk)}>${t('sign')}</button>` :
          (tk) => html`<${Link} href=${'/t/' + tk.number} aria-label=${t('open_ticket') + ' ' + tk.number}>${t('open_ticket')}</${Link}>`} />
    </section>
  </div>`;
}
