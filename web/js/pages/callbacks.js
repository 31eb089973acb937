// 回访 — callbacks to make: the reply to read out and the satisfaction to
// record. Soonest callback deadline first; today's (and overdue) on top.
import { html, useState, useEffect } from '../lib.js';
import { get } from '../api.js';
import { t, tl } from '../i18n.js';
import { fmtTime, serverToday } from '../format.js';
import { usePagedTickets, SlaBadge, ActionForm, Notice, Link, ErrorBox } from '../components.js';

function CallbackPanel({ number, ref_, onDone }) {
  const [tk, setTk] = useState(null);
  const [err, setErr] = useState(null);
  const [mode, setMode] = useState('callback');
  const load = () => get(`/tickets/${number}`).then((d) => { setTk(d); setErr(null); }, setErr);
  useEffect(() => { setTk(null); setMode('callback'); load(); }, [number]);
  if (err) return html`<${ErrorBox} error=${err} onRetry=${load} />`;
  if (!tk) return html`<p class="muted">${t('loading')}</p>`;
  const c = tk.citizen || {};
  const allowed = tk.allowed_actions || [];
  return html`<section class="card callback-panel" aria-labelledby="cbp-h" data-number=${tk.number}>
    <h2 id="cbp-h"><${Link} href=${'/t/' + tk.number} class="mono">${tk.number}</${Link}> ${tk.title}</h2>
    <p><${SlaBadge} ticket=${tk} /></p>
    <dl class="kvs">
      <div class="kv"><dt>${t('f_citizen')}</dt><dd>${c.anonymous ? t('f_anonymous') : c.name || ''}</dd></div>
      ${c.phone ? html`<div class="kv"><dt>${t('f_phone')}</dt><dd><a href=${'tel:' + c.phone}>${c.phone}</a></dd></div>` : null}
      <div class="kv"><dt>${t('f_unit')}</dt><dd>${ref_.unitName(tk.unit_id)}</dd></div>
      <div class="kv"><dt>${t('f_callback_due')}</dt><dd>${fmtTime(tk.callback_due)}</dd></div>
    </dl>
    <details><summary>${t('f_content')}</summary><p class="pre">${tk.content}</p></details>
    <h3>${t('read_out')}</h3>
    <blockquote class="read-out pre">${tk.reply || ''}</blockquote>
    ${allowed.includes('reopen') ? html`<p>
      <button type="button" aria-pressed=${mode === 'reopen' ? 'true' : 'false'}
        onClick=${() => setMode(mode === 'reopen' ? 'callback' : 'reopen')}>${tl('act', 'reopen')}</button></p>` : null}
    ${allowed.includes(mode) ? html`<${ActionForm} key=${tk.number + mode} name=${mode} ticket=${tk} ref_=${ref_} idPrefix="cb"
      submitLabel=${mode === 'callback' ? t('callback_submit') : undefined}
      onConflict=${() => load()} onDone=${(n, name) => onDone(n, name)} />` : null}
  </section>`;
}

export function CallbacksPage({ ref_ }) {
  const list = usePagedTickets({ status: 'replied', sort: 'due' }, { limit: 30 });
  const [sel, setSel] = useState(null);
  const [notice, setNotice] = useState(null);
  const today = serverToday();
  const isToday = (tk) => !tk.callback_due || tk.callback_due.slice(0, 10) <= today;
  const groups = [
    [t('callbacks_today'), list.items.filter(isToday)],
    [t('callbacks_later'), list.items.filter((x) => !isToday(x))],
  ];
  return html`<div class="callbacks">
    <h1>${t('callbacks_title')}</h1>
    <${Notice} notice=${notice} onClose=${() => setNotice(null)} />
    <div class="split">
      <section class="card cb-list" aria-label=${t('callbacks_title')}>
        ${groups.map(([label, items]) => html`<h2>${label} <span class="count">${items.length}</span></h2>
          <ul class="pick-list">
            ${items.map((tk) => html`<li data-number=${tk.number}>
              <button type="button" class="pick" aria-pressed=${sel === tk.number ? 'true' : 'false'} onClick=${() => setSel(tk.number)}>
                <span class="mono">${tk.number}</span> <${SlaBadge} ticket=${tk} />
                <span class="pick-title">${tk.title}</span>
                <small class="muted">${ref_.unitName(tk.unit_id)} · ${fmtTime(tk.callback_due)}</small>
              </button>
            </li>`)}
          </ul>`)}
        ${!list.loading && list.items.length === 0 ? html`<p class="empty">${t('no_items')}</p>` : null}
        <${ErrorBox} error=${list.error} onRetry=${list.reload} />
        ${list.next ? html`<button type="button" onClick=${list.loadMore}>${t('load_more')}</button>` : null}
      </section>
      <div class="cb-detail">
        ${sel ? html`<${CallbackPanel} number=${sel} ref_=${ref_} onDone=${(tk, name) => {
          setNotice({ kind: 'ok', text: `${tk.number} · ${t('action_done', { act: tl('act', name) })} · ${tl('status', tk.status)}`, link: { href: '/t/' + tk.number, text: t('open_ticket') } });
          setSel(null);
          list.reload();
        }} />` : html`<p class="card muted">${t('pick_ticket')}</p>`}
      </div>
    </div>
  </div>`;
}
