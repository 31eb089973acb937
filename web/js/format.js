// Times: the server sends RFC 3339 in its own zone (e.g. +08:00); we show the
// wall-clock part as sent, so everyone sees the center's time.
import { t } from './i18n.js';

export function fmtTime(s) {
  if (!s) return '';
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(s);
  return m ? `${m[1]} ${m[2]}` : s;
}

export function fmtDate(s) {
  if (!s) return '';
  return s.slice(0, 10);
}

/** The server zone's offset in minutes, learnt from a time it sent. */
let offsetMin = 8 * 60;
export function learnOffset(s) {
  const m = /([+-])(\d{2}):(\d{2})$/.exec(s || '');
  if (m) offsetMin = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/** Today's date (YYYY-MM-DD) in the server's zone. */
export function serverToday(now = Date.now()) {
  return new Date(now + offsetMin * 60000).toISOString().slice(0, 10);
}

/** RFC 3339 with the server's offset from a Date-compatible ms value. */
export function toServerTime(ms) {
  const d = new Date(ms + offsetMin * 60000).toISOString().slice(0, 19);
  const sign = offsetMin < 0 ? '-' : '+';
  const a = Math.abs(offsetMin);
  return `${d}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** "YYYY-MM-DDTHH:MM" for <input type=datetime-local>, in the server's zone. */
export function toLocalInput(ms) {
  return new Date(ms + offsetMin * 60000).toISOString().slice(0, 16);
}

/** The value of a datetime-local input, read in the server's zone. */
export function fromLocalInput(v) {
  if (!v) return null;
  const sign = offsetMin < 0 ? '-' : '+';
  const a = Math.abs(offsetMin);
  return `${v.length === 16 ? v + ':00' : v}${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

export function span(ms) {
  const abs = Math.abs(ms);
  const d = Math.floor(abs / 86400000);
  const h = Math.floor((abs % 86400000) / 3600000);
  const m = Math.floor((abs % 3600000) / 60000);
  if (d > 0) return t('d', { n: d }) + (h ? t('h', { n: h }) : '');
  if (h > 0) return t('h', { n: h }) + (m ? t('m', { n: m }) : '');
  return t('m', { n: Math.max(m, 1) });
}

/** The deadline of the clock now running for this ticket. */
export function runningDue(tk) {
  switch (tk.status) {
    case 'dispatched': return tk.sign_due;
    case 'processing':
    case 'returned': return tk.reply_due;
    case 'replied': return tk.callback_due;
    default: return null;
  }
}

/** "剩余 2天3小时" or "超期 5小时" for a deadline. */
export function timeLeft(due, now = Date.now()) {
  if (!due) return '';
  const ms = Date.parse(due) - now;
  return ms >= 0 ? t('left', { t: span(ms) }) : t('over', { t: span(ms) });
}

export function maskHint(phone) {
  return phone && phone.includes('*');
}
