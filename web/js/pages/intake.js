// 受理台 — the agent's intake screen. A caller is on the line: the number
// shows their earlier tickets at once, the form is keyboard-first, knowledge
// and possible repeats appear beside it while typing.
import { html, useState, useEffect, useLayoutEffect, useRef, useCallback } from '../lib.js';
import { get, post, qs, action, itemsOf, has, listTakes, hasSimilar } from '../api.js';
import { t, tl, TYPES, URGENCIES, CHANNELS } from '../i18n.js';
import { fmtTime, fmtDate, toServerTime } from '../format.js';
import { Link, StatusBadge, Notice, CategoryPicker, UnitSelect, FieldError, Highlight, useFocusMover } from '../components.js';

const EMPTY = {
  phone: '', name: '', anonymous: false, confidential: false, channel: 'phone', type: 'consult',
  urgency: 'normal', category_id: null, title: '', content: '', address: '', area: '',
  mode: 'dispatch', unit_id: null, unitTouched: false, note: '', answer: '', kb: null,
};

const PHONE_RE = /^(\d{5}|1\d{10}|0\d{2,3}-?\d{7,8})$/;

function useDebounced(value, ms) {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

function CallerHistory({ phone, ref_ }) {
  const [st, setSt] = useState({ items: [], next: null, loading: false, invalid: false, asked: '' });
  useEffect(() => {
    const p = phone.trim();
    if (!PHONE_RE.test(p)) {
      setSt({ items: [], next: null, loading: false, invalid: p.length >= 8, asked: '' });
      return;
    }
    let gone = false;
    setSt((s) => ({ ...s, loading: true, invalid: false }));
    get('/tickets' + qs({ phone: p, limit: 5 })).then((d) => {
      if (!gone) setSt({ items: itemsOf(d), next: d.next, loading: false, invalid: false, asked: p });
    }, (e) => {
      if (!gone) setSt({ items: [], next: null, loading: false, invalid: e.status === 400, asked: '' });
    });
    return () => { gone = true; };
  }, [phone]);
  return html`<section class="card history" aria-labelledby="hist-h" aria-live="polite" aria-busy=${st.loading ? 'true' : 'false'}>
    <h2 id="hist-h">${t('history')}</h2>
    ${st.invalid ? html`<p class="muted">${t('phone_invalid')}</p>` : null}
    ${st.asked && st.items.length === 0 ? html`<p class="muted" data-testid="history-none">${t('history_none')}</p>` : null}
    ${st.items.length ? html`<p class="muted" data-testid="history-count">${t('history_count', { n: st.next ? st.items.length + '+' : st.items.length, m: st.items.length })}</p>` : null}
    <ul class="history-list">
      ${st.items.map((tk) => html`<li data-number=${tk.number}>
        <details>
          <summary><span class="mono">${fmtDate(tk.created_at)}</span> <${StatusBadge} status=${tk.status} /> ${tk.title}</summary>
          <div class="history-body">
            <p class="pre">${tk.content}</p>
            ${tk.unit_id ? html`<p><strong>${t('f_unit')}：</strong>${ref_.unitName(tk.unit_id)}</p>` : null}
            ${tk.reply ? html`<p><strong>${t('f_reply')}：</strong>${tk.reply}</p>` : null}
            ${tk.answer ? html`<p><strong>${t('f_answer')}：</strong>${tk.answer}</p>` : null}
            <p><a href=${'/t/' + tk.number} target="_blank" rel="noopener">${tk.number}</a></p>
          </div>
        </details>
      </li>`)}
    </ul>
  </section>`;
}

function articleText(a) {
  return a.answer || a.summary || a.body || a.content || a.text || '';
}

function KbPanel({ list, onCite, cited }) {
  return html`<section class="card kb" aria-labelledby="kb-h" aria-live="polite">
    <h2 id="kb-h">${t('kb_title')}</h2>
    ${list.length === 0 ? html`<p class="muted">${t('kb_none')}</p>` : null}
    <ol class="kb-list">
      ${list.map((a, i) => html`<li data-article=${a.id}>
        <strong>${a.title}</strong>
        <p class="excerpt">${a.snippet ? html`<${Highlight} text=${a.snippet} />` : articleText(a).slice(0, 160)}</p>
        <button type="button" onClick=${() => onCite(a)} aria-pressed=${cited && cited.id === a.id ? 'true' : 'false'}>
          ${t('kb_cite')} <kbd>Alt+${i + 1}</kbd></button>
      </li>`)}
    </ol>
  </section>`;
}

function candNumber(c) { return c.number || (c.ticket && c.ticket.number) || c.master || ''; }
const isOpen = (c) => !['closed', 'merged'].includes(candStatus(c));
function candTitle(c) { return c.title || (c.ticket && c.ticket.title) || ''; }
function candStatus(c) { return c.status || (c.ticket && c.ticket.status) || null; }

function RepeatsPanel({ list, onMerge, confirming }) {
  return html`<section class="card repeats" aria-labelledby="rep-h" aria-live="polite">
    <h2 id="rep-h">${t('repeats_title')}</h2>
    ${list.length === 0 ? html`<p class="muted">${t('repeats_none')}</p>` : null}
    <ul class="repeat-list">
      ${list.map((c) => html`<li data-number=${candNumber(c)}>
        <a class="mono" href=${'/t/' + candNumber(c)} target="_blank" rel="noopener">${candNumber(c)}</a>
        ${candStatus(c) ? html` <${StatusBadge} status=${candStatus(c)} />` : null}
        <span class="rep-title"> ${candTitle(c)}</span>
        ${c.snippet ? html`<br /><small class="snippet"><${Highlight} text=${c.snippet} /></small>` : null}
        ${Array.isArray(c.reasons) && c.reasons.length ? html`<br /><small class="reasons">${c.reasons.map((r) => tl('reason', r)).join(' · ')}${c.score !== undefined
          ? ` · ${t('score')} ${Math.round(Number(c.score) * 100)}%` : ''}</small>` : null}
        ${confirming && isOpen(c) && candNumber(c) !== confirming ? html` <button type="button" onClick=${() => onMerge(candNumber(c))}
          aria-label=${t('repeat_merge') + ' ' + candNumber(c)}>${t('repeat_merge')}</button>` : null}
      </li>`)}
    </ul>
  </section>`;
}

export function IntakePage({ user, ref_ }) {
  const [f, setF] = useState(EMPTY);
  const [errors, setErrors] = useState({});
  const [notice, setNotice] = useState(null);
  const [busy, setBusy] = useState(false);
  const [kb, setKb] = useState([]);
  const [repeats, setRepeats] = useState([]);
  const [confirm, setConfirm] = useState(null); // {ticket, candidates}
  const [feat, setFeat] = useState({ kb: false, q: false });
  const refs = { phone: useRef(null), category: useRef(null), content: useRef(null), unit: useRef(null), answer: useRef(null), title: useRef(null), form: useRef(null) };
  const canAnswer = user.role === 'agent';
  // Every focus move goes through one mover, so Alt+N's deferred move to the
  // phone field cannot land after a Ctrl+Enter handled first.
  const { later: focusLater, now: focusNow } = useFocusMover();

  useLayoutEffect(() => { if (refs.phone.current) refs.phone.current.focus(); }, []); // before paint
  useEffect(() => {
    let gone = false;
    Promise.all([has('kbSuggest'), listTakes('q', '电梯')]).then(([k, q]) => { if (!gone) setFeat({ kb: k, q }); });
    return () => { gone = true; };
  }, []);

  const confirmRef = useRef(null);
  confirmRef.current = confirm;
  const set = (k, v) => setF((s) => ({ ...s, [k]: v }));
  const setCategory = (id) => setF((s) => ({
    ...s, category_id: id, unit_id: s.unitTouched ? s.unit_id : ref_.catDefaultUnit(id),
  }));

  // Knowledge suggestions and possible repeats while typing.
  const text = useDebounced(`${f.title} ${f.content}`.trim(), 450);
  useEffect(() => {
    if (!text || text.length < 2) { setKb([]); if (!confirmRef.current) setRepeats([]); return; }
    let gone = false;
    if (feat.kb) {
      get('/kb/suggest' + qs({ text: text.slice(0, 500) })).then((d) => { if (!gone) setKb(itemsOf(d).slice(0, 5)); }, () => {});
    }
    if (feat.q && !confirm) {
      const from = toServerTime(Date.now() - 30 * 86400000).slice(0, 10);
      const q = (f.title.trim() || f.content.trim().split(/[，。！？,.!?\s]/)[0]).slice(0, 20);
      if (q.length >= 2) get('/tickets' + qs({ q, status: 'registered,dispatched,processing,returned,replied', from, limit: 5 }))
        .then((d) => { if (!gone && !confirmRef.current) setRepeats(itemsOf(d)); }, () => {});
    }
    return () => { gone = true; };
  }, [text, feat.kb, feat.q]);

  const reset = useCallback(() => {
    const c = confirmRef.current;
    if (c) setNotice({ kind: 'ok', text: t('created_registered', { number: c.ticket.number }), link: { href: '/t/' + c.ticket.number, text: t('open_ticket') } });
    setF(EMPTY);
    setErrors({});
    setKb([]);
    setRepeats([]);
    setConfirm(null);
    focusLater(() => refs.phone.current);
  }, []);

  const cite = (a) => {
    if (!canAnswer) return;
    setF((s) => ({ ...s, mode: 'answer', kb: a, answer: s.answer || articleText(a) }));
    focusLater(() => refs.answer.current);
  };

  const finish = (tk, kind, unitName) => {
    const key = { dispatch: 'created_dispatched', answer: 'created_answered', register: 'created_registered', merge: 'created_registered' }[kind];
    const text = kind === 'merge' ? t('merged_into', { number: tk.number, master: tk.master || '' })
      : t(key, { number: tk.number, unit: unitName || '' });
    setNotice({ kind: 'ok', text, link: { href: '/t/' + tk.number, text: t('open_ticket') } });
    reset();
  };

  const decide = async (tk, state) => {
    if (state.mode === 'register') { finish(tk, 'register'); return; }
    try {
      if (state.mode === 'answer') {
        const args = { answer: state.answer.trim() };
        if (state.kb && state.kb.id) args.kb_article_id = state.kb.id;
        const done = await action(tk.number, 'answer', tk.version, args);
        finish(done, 'answer');
      } else {
        const args = { unit_id: state.unit_id };
        if (state.note.trim()) args.note = state.note.trim();
        const done = await action(tk.number, 'dispatch', tk.version, args);
        finish(done, 'dispatch', ref_.unitName(state.unit_id));
      }
    } catch (e) {
      setNotice({ kind: 'error', text: t('created_but', { number: tk.number, act: tl('act', state.mode), msg: e.message }), link: { href: '/t/' + tk.number, text: t('open_ticket') } });
      reset();
    }
  };

  const validate = (s) => {
    const e = {};
    if (!s.content.trim()) e.content = t('required');
    if (s.phone.trim() && !PHONE_RE.test(s.phone.trim())) e.phone = t('phone_invalid');
    if (s.mode === 'dispatch' && !s.unit_id) e.unit_id = t('required');
    if (s.mode === 'answer' && !s.answer.trim()) e.answer = t('required');
    return e;
  };

  const submit = async (ev) => {
    if (ev) ev.preventDefault();
    if (busy) return;
    if (confirm) { continueDispatch(); return; }
    const s = f;
    const e = validate(s);
    setErrors(e);
    if (Object.keys(e).length) {
      const first = ['phone', 'content', 'unit_id', 'answer'].find((k) => e[k]);
      const el = { phone: refs.phone, content: refs.content, unit_id: refs.unit, answer: refs.answer }[first];
      focusNow(el && el.current);
      return;
    }
    setBusy(true);
    setNotice(null);
    const title = s.title.trim() || s.content.trim().split(/[。！？!?\n]/)[0].slice(0, 40);
    const citizen = { anonymous: s.anonymous, confidential: s.confidential };
    if (s.name.trim()) citizen.name = s.name.trim();
    if (s.phone.trim()) citizen.phone = s.phone.trim();
    const body = { channel: s.channel, type: s.type, urgency: s.urgency, citizen, title, content: s.content.trim() };
    if (s.address.trim()) body.address = s.address.trim();
    if (s.area) body.area = s.area;
    if (s.category_id) body.category_id = s.category_id;
    let tk;
    try {
      tk = await post('/tickets', body);
    } catch (ex) {
      setBusy(false);
      const field = (ex.field || '').replace(/^citizen\./, '');
      if (field) {
        setErrors({ [field]: ex.message });
        const el = { phone: refs.phone, content: refs.content, title: refs.title, category_id: refs.category }[field];
        focusNow(el && el.current);
      }
      setNotice({ kind: 'error', text: t('error', { msg: ex.message }) });
      return;
    }
    // Possible repeats (the create answer's "similar", or GET .../similar):
    // when one is still open, stop before the dispatch and let the agent
    // decide: merge into it, or go on.
    if (s.mode !== 'register') {
      let cands = Array.isArray(tk.similar) ? tk.similar : null;
      if (!cands && await hasSimilar(tk.number)) {
        try { cands = itemsOf(await get(`/tickets/${tk.number}/similar`)); } catch { cands = null; }
      }
      cands = (cands || []).filter((c) => candNumber(c) && candNumber(c) !== tk.number);
      if (cands.some(isOpen)) {
        setBusy(false);
        setConfirm({ ticket: tk, state: s });
        setRepeats(cands);
        setNotice({ kind: 'warn', text: t('repeat_found', { number: tk.number }), link: { href: '/t/' + tk.number, text: tk.number } });
        focusLater(() => document.querySelector('.repeat-list button, #intake-continue'));
        return;
      }
    }
    await decide(tk, s);
    setBusy(false);
  };

  const merge = async (master) => {
    if (!confirm) return;
    setBusy(true);
    try {
      const done = await action(confirm.ticket.number, 'merge', confirm.ticket.version, { master });
      finish(done, 'merge');
    } catch (e) {
      setNotice({ kind: 'error', text: t('error', { msg: e.message }) });
    }
    setBusy(false);
  };
  const continueDispatch = async () => {
    if (!confirm) return;
    setBusy(true);
    const c = confirm;
    setConfirm(null);
    await decide(c.ticket, c.state);
    setBusy(false);
  };

  // Shortcuts, for the whole screen.
  const latest = useRef({});
  latest.current = { submit: confirm ? continueDispatch : submit, reset, cite, kb, f, canAnswer };
  useEffect(() => {
    const onKey = (e) => {
      const L = latest.current;
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
        e.preventDefault();
        L.submit();
        return;
      }
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const focus = (r) => focusLater(() => r.current);
      switch (e.code) {
        case 'KeyN': e.preventDefault(); L.reset(); break;
        case 'KeyP': e.preventDefault(); focus(refs.phone); break;
        case 'KeyC': e.preventDefault(); focus(refs.category); break;
        case 'KeyW': e.preventDefault(); focus(refs.content); break;
        case 'KeyD': e.preventDefault(); setF((s) => ({ ...s, mode: 'dispatch' })); focus(refs.unit); break;
        case 'KeyA':
          if (!L.canAnswer) break;
          e.preventDefault(); setF((s) => ({ ...s, mode: 'answer' })); focus(refs.answer); break;
        default: {
          const m = /^Digit([1-5])$/.exec(e.code);
          if (m && L.kb[Number(m[1]) - 1]) { e.preventDefault(); L.cite(L.kb[Number(m[1]) - 1]); }
        }
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const err = (k) => errors[k];
  const desc = (k) => (errors[k] ? `in-${k}-err` : undefined);
  const areas = ref_.unitTree.filter(({ item }) => item.kind === 'district' || item.kind === 'street');
  const suggested = f.category_id ? ref_.catDefaultUnit(f.category_id) : null;

  return html`<div class="intake">
    <h1 class="sr-only">${t('intake_title')}</h1>
    <${Notice} notice=${notice} onClose=${() => setNotice(null)} />
    <div class="intake-grid">
      <div class="intake-left">
        <section class="card caller" aria-labelledby="caller-h">
          <h2 id="caller-h">${t('caller')}</h2>
          <div class="field">
            <label for="in-phone">${t('f_phone')} <kbd>Alt+P</kbd></label>
            <input id="in-phone" ref=${refs.phone} type="tel" inputmode="tel" autocomplete="off" value=${f.phone}
              aria-invalid=${err('phone') ? 'true' : undefined} aria-describedby=${desc('phone')}
              onInput=${(e) => set('phone', e.currentTarget.value.replace(/\s/g, ''))} />
            <${FieldError} id="in-phone-err" error=${err('phone')} />
          </div>
          <div class="field">
            <label for="in-name">${t('f_name')}</label>
            <input id="in-name" autocomplete="off" value=${f.name} onInput=${(e) => set('name', e.currentTarget.value)} />
          </div>
          <div class="field field-check">
            <input id="in-anonymous" type="checkbox" checked=${f.anonymous} onChange=${(e) => set('anonymous', e.currentTarget.checked)} />
            <label for="in-anonymous">${t('f_anonymous')}</label>
          </div>
          <div class="field field-check">
            <input id="in-confidential" type="checkbox" checked=${f.confidential} onChange=${(e) => set('confidential', e.currentTarget.checked)} />
            <label for="in-confidential">${t('f_confidential')}</label>
          </div>
        </section>
        <${CallerHistory} phone=${f.phone} ref_=${ref_} />
      </div>

      <form class="card intake-form" ref=${refs.form} onSubmit=${submit} aria-labelledby="form-h" novalidate
        onKeyDown=${(e) => {
          // Enter in a one-line field must not send the whole intake by accident:
          // Ctrl+Enter or the button does.
          const el = e.target;
          if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey && el.tagName === 'INPUT' && el.getAttribute('role') !== 'combobox') e.preventDefault();
        }}>
        <h2 id="form-h">${t('intake_title')}</h2>
        <div class="row3">
          <div class="field">
            <label for="in-channel">${t('f_channel')}</label>
            <select id="in-channel" value=${f.channel} onChange=${(e) => set('channel', e.currentTarget.value)}>
              ${CHANNELS.map((c) => html`<option value=${c}>${tl('channel', c)}</option>`)}
            </select>
          </div>
          <div class="field">
            <label for="in-type">${t('f_type')}</label>
            <select id="in-type" value=${f.type} onChange=${(e) => set('type', e.currentTarget.value)}>
              ${TYPES.map((c) => html`<option value=${c}>${tl('type', c)}</option>`)}
            </select>
          </div>
          <div class="field">
            <label for="in-urgency">${t('f_urgency')}</label>
            <select id="in-urgency" value=${f.urgency} onChange=${(e) => set('urgency', e.currentTarget.value)}>
              ${URGENCIES.map((c) => html`<option value=${c}>${tl('urgency', c)}</option>`)}
            </select>
          </div>
        </div>
        <div class="field">
          <label for="in-category" id="in-category-label">${t('f_category')} <kbd>Alt+C</kbd></label>
          <${CategoryPicker} id="in-category" ref_=${ref_} value=${f.category_id} onChange=${setCategory}
            inputRef=${refs.category} label=${t('f_category')} describedBy=${desc('category_id')} />
          <${FieldError} id="in-category_id-err" error=${err('category_id')} />
        </div>
        <div class="field">
          <label for="in-title">${t('f_title')}</label>
          <input id="in-title" ref=${refs.title} maxlength="200" value=${f.title} placeholder=${f.content ? f.content.split(/[。！？!?\n]/)[0].slice(0, 40) : ''}
            aria-invalid=${err('title') ? 'true' : undefined} aria-describedby=${desc('title')}
            onInput=${(e) => set('title', e.currentTarget.value)} />
          <${FieldError} id="in-title-err" error=${err('title')} />
        </div>
        <div class="field">
          <label for="in-content">${t('f_content')}<span class="req" aria-hidden="true"> *</span> <kbd>Alt+W</kbd></label>
          <textarea id="in-content" ref=${refs.content} rows="5" required value=${f.content}
            aria-invalid=${err('content') ? 'true' : undefined} aria-describedby=${desc('content')}
            onInput=${(e) => set('content', e.currentTarget.value)}></textarea>
          <${FieldError} id="in-content-err" error=${err('content')} />
        </div>
        <div class="row2">
          <div class="field">
            <label for="in-address">${t('f_address')}</label>
            <input id="in-address" value=${f.address} onInput=${(e) => set('address', e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="in-area">${t('f_area')}</label>
            <select id="in-area" value=${f.area} onChange=${(e) => set('area', e.currentTarget.value)}>
              <option value="">${t('none_selected')}</option>
              ${areas.map(({ item, depth }) => html`<option value=${item.code}>${'\u3000'.repeat(Math.max(depth - 1, 0))}${item.name}</option>`)}
            </select>
          </div>
        </div>

        <fieldset class="decision">
          <legend>${t('decision')}</legend>
          <label class="radio"><input type="radio" name="mode" value="dispatch" checked=${f.mode === 'dispatch'}
            onChange=${() => set('mode', 'dispatch')} /> ${t('mode_dispatch')} <kbd>Alt+D</kbd></label>
          ${canAnswer ? html`<label class="radio"><input type="radio" name="mode" value="answer" checked=${f.mode === 'answer'}
            onChange=${() => set('mode', 'answer')} /> ${t('mode_answer')} <kbd>Alt+A</kbd></label>` : null}
          <label class="radio"><input type="radio" name="mode" value="register" checked=${f.mode === 'register'}
            onChange=${() => set('mode', 'register')} /> ${t('mode_register')}</label>
        </fieldset>

        ${f.mode === 'dispatch' ? html`<div class="dispatch-box">
          <div class="field">
            <label for="in-unit">${t('f_unit')}<span class="req" aria-hidden="true"> *</span></label>
            <${UnitSelect} id="in-unit" ref_=${ref_} value=${f.unit_id} required=${true}
              filter=${(u) => u.kind !== 'center'} describedBy=${[desc('unit_id'), suggested ? 'in-unit-hint' : ''].filter(Boolean).join(' ') || undefined}
              onChange=${(v) => setF((s) => ({ ...s, unit_id: v, unitTouched: true }))} />
            ${suggested ? html`<small id="in-unit-hint" class="hint">${t('suggested_unit', { unit: ref_.unitName(suggested) })}</small>` : null}
            <${FieldError} id="in-unit_id-err" error=${err('unit_id')} />
          </div>
          <div class="field">
            <label for="in-note">${t('dispatch_note')}</label>
            <input id="in-note" value=${f.note} onInput=${(e) => set('note', e.currentTarget.value)} />
          </div>
        </div>` : null}
        ${f.mode === 'answer' ? html`<div class="answer-box">
          ${f.kb ? html`<p class="cited">${t('kb_cited', { title: f.kb.title })}
            <button type="button" class="link-button" onClick=${() => set('kb', null)}>${t('kb_uncite')}</button></p>` : null}
          <div class="field">
            <label for="in-answer">${t('f_answer')}<span class="req" aria-hidden="true"> *</span></label>
            <textarea id="in-answer" ref=${refs.answer} rows="4" value=${f.answer}
              aria-invalid=${err('answer') ? 'true' : undefined} aria-describedby=${desc('answer')}
              onInput=${(e) => set('answer', e.currentTarget.value)}></textarea>
            <${FieldError} id="in-answer-err" error=${err('answer')} />
          </div>
        </div>` : null}

        <div class="form-buttons">
          ${confirm ? html`<button type="button" id="intake-continue" class="primary" onClick=${continueDispatch} disabled=${busy}>${t(confirm.state.mode === 'answer' ? 'continue_answer' : 'continue_dispatch')} <kbd>Ctrl+Enter</kbd></button>`
            : html`<button type="submit" class="primary" disabled=${busy}>
              ${t({ dispatch: 'submit_dispatch', answer: 'submit_answer', register: 'submit_register' }[f.mode])} <kbd>Ctrl+Enter</kbd></button>`}
          <button type="button" onClick=${reset}>${t('new_intake')} <kbd>Alt+N</kbd></button>
        </div>
        <p class="shortcuts" id="shortcuts"><strong>${t('shortcuts')}：</strong>
          ${[t('sc_submit'), t('sc_new'), t('sc_phone'), t('sc_category'), t('sc_content'), t('sc_dispatch'), canAnswer ? t('sc_answer') : null, feat.kb ? t('sc_cite') : null]
            .filter(Boolean).join(' · ')}</p>
      </form>

      <aside class="intake-right" aria-label=${t('kb_title') + ' / ' + t('repeats_title')}>
        ${feat.kb ? html`<${KbPanel} list=${kb} onCite=${cite} cited=${f.kb} />` : null}
        ${feat.q || confirm ? html`<${RepeatsPanel} list=${repeats} confirming=${confirm ? confirm.ticket.number : null} onMerge=${merge} />` : null}
        <${TodayCallbacks} />
      </aside>
    </div>
  </div>`;
}

/** A short reminder of the callbacks waiting, linking to the callback screen. */
function TodayCallbacks() {
  const [n, setN] = useState(null);
  useEffect(() => {
    get('/tickets' + qs({ status: 'replied', sort: 'due', limit: 50 })).then((d) => setN({ count: itemsOf(d).length, more: !!d.next, overdue: itemsOf(d).filter((x) => x.sla === 'overdue').length }), () => {});
  }, []);
  if (!n) return null;
  return html`<section class="card" aria-labelledby="cb-h">
    <h2 id="cb-h">${t('callbacks_title')}</h2>
    <p><${Link} href="/callbacks">${t('n_tickets', { n: n.count + (n.more ? '+' : '') })}</${Link}>${n.overdue ? html` · <span class="sla sla-overdue"><span aria-hidden="true">✖</span> ${t('sla_overdue')} ${n.overdue}</span>` : null}</p>
  </section>`;
}
