// A ticket's page: what it is, where it stands, its whole history, and
// exactly the actions this user may take now (allowed_actions).
import { html, useState, useEffect, useCallback } from '../lib.js';
import { get } from '../api.js';
import { t, tl } from '../i18n.js';
import { fmtTime, timeLeft, learnOffset } from '../format.js';
import { onLive } from '../live.js';
import { Link, SlaBadge, StatusBadge, Timeline, ActionPanel, Notice, ErrorBox } from '../components.js';

export function TicketPage({ number, ref_ }) {
  const [tk, setTk] = useState(null);
  const [events, setEvents] = useState(null);
  const [err, setErr] = useState(null);
  const [notice, setNotice] = useState(null);

  const load = useCallback(async () => {
    try {
      const [a, b] = await Promise.all([get(`/tickets/${number}`), get(`/tickets/${number}/events`)]);
      learnOffset(a.created_at);
      setTk(a);
      setEvents(b.items || []);
      setErr(null);
    } catch (e) {
      setErr(e);
    }
  }, [number]);

  useEffect(() => { setTk(null); setEvents(null); setNotice(null); load(); }, [number]);
  // Reload on news of this ticket (or on a poll: the stream does not tell
  // everyone everything).
  useEffect(() => onLive((m) => {
    if (m.kind !== 'event' || !m.tickets || m.tickets.length === 0 || m.tickets.includes(number)) load();
  }), [number]);

  if (err && err.status === 404) {
    return html`<section class="card"><h1>${t('ticket_not_found')}</h1><p class="mono">${number}</p></section>`;
  }
  if (!tk) return html`<${ErrorBox} error=${err} onRetry=${load} />${err ? null : html`<p class="muted">${t('loading')}</p>`}`;

  const c = tk.citizen || {};
  const row = (label, value) => (value === null || value === undefined || value === '' ? null
    : html`<div class="kv"><dt>${label}</dt><dd>${value}</dd></div>`);
  const due = (label, v) => (v ? row(label, html`${fmtTime(v)} <small class="muted">${timeLeft(v)}</small>`) : null);

  return html`<div class="ticket-page" data-number=${tk.number} data-status=${tk.status}>
    <header class="ticket-head card">
      <p class="mono muted">${t('ticket')} ${tk.number}</p>
      <h1 class="ticket-title">${tk.title}</h1>
      <p class="badges">
        <${StatusBadge} status=${tk.status} />
        <${SlaBadge} ticket=${tk} />
        <span class="tag">${tl('type', tk.type)}</span>
        <span class=${'tag urg urg-' + tk.urgency}>${tl('urgency', tk.urgency)}</span>
        <span class="tag">${tl('channel', tk.channel)}</span>
        ${tk.urge_count ? html`<span class="tag">${t('f_urge_count')} ${tk.urge_count}</span>` : null}
        ${tk.reopen_count ? html`<span class="tag">${t('f_reopen_count')} ${tk.reopen_count}</span>` : null}
      </p>
      ${tk.extension_pending ? html`<p class="notice notice-warn" data-testid="extension-pending">
        ${t('extension_pending', { until: fmtTime(tk.extension_until), reason: tk.extension_reason || '' })}</p>` : null}
      ${tk.master ? html`<p>${t('master_is', { number: '' })}<${Link} href=${'/t/' + tk.master}>${tk.master}</${Link}></p>` : null}
    </header>
    <${Notice} notice=${notice} onClose=${() => setNotice(null)} />
    <div class="ticket-grid">
      <div class="ticket-main">
        <section class="card" aria-labelledby="content-h">
          <h2 id="content-h">${t('f_content')}</h2>
          <p class="pre ticket-content">${tk.content}</p>
          ${tk.answer ? html`<h3>${t('f_answer')}</h3><p class="pre ticket-answer">${tk.answer}</p>` : null}
          ${tk.reply ? html`<h3>${t('f_reply')}</h3><p class="pre ticket-reply">${tk.reply}</p>` : null}
        </section>
        <${ActionPanel} ticket=${tk} ref_=${ref_}
          onDone=${(n, name) => {
            setTk(n);
            setNotice({ kind: 'ok', text: t('action_done', { act: tl('act', name) }) });
            get(`/tickets/${number}/events`).then((b) => setEvents(b.items || []), () => {});
          }}
          onConflict=${(e) => {
            setNotice({ kind: 'warn', text: e.code === 'invalid_transition' ? t('invalid_transition') : t('conflict') });
            load();
          }} />
        <section class="card" aria-labelledby="tl-h">
          <h2 id="tl-h">${t('timeline')}</h2>
          <${Timeline} events=${events} ref_=${ref_} />
        </section>
      </div>
      <aside class="card ticket-side" aria-labelledby="det-h">
        <h2 id="det-h">${t('details')}</h2>
        <dl class="kvs">
          ${row(t('f_citizen'), c.anonymous ? t('f_anonymous') : (c.name === null && c.phone === null ? t('hidden') : c.name))}
          ${row(t('f_phone'), c.phone)}
          ${c.confidential ? row(t('f_confidential'), t('yes')) : null}
          ${row(t('f_address'), tk.address)}
          ${row(t('f_area'), tk.area ? ref_.areaName(tk.area) : null)}
          ${row(t('f_category'), tk.category_id ? ref_.catPath(tk.category_id) : null)}
          ${row(t('f_unit'), tk.unit_id ? ref_.unitName(tk.unit_id) : null)}
          ${row(t('f_co_units'), (tk.co_unit_ids || []).map((id) => ref_.unitName(id)).join('、'))}
          ${row(t('f_created'), fmtTime(tk.created_at))}
          ${due(t('f_sign_due'), tk.sign_due)}
          ${due(t('f_reply_due'), tk.reply_due)}
          ${due(t('f_callback_due'), tk.callback_due)}
          ${row(t('f_satisfaction'), tk.satisfaction ? tl('sat', tk.satisfaction) : null)}
          ${row(t('f_resolved'), tk.resolved === null || tk.resolved === undefined ? null : (tk.resolved ? t('yes') : t('no')))}
        </dl>
      </aside>
    </div>
  </div>`;
}
