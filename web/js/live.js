// Live updates. Uses the server-sent events stream GET /api/v1/events when the
// server has it (EventSource reconnects by itself and resumes with
// Last-Event-ID); when the stream is missing or down, polls lightly instead.
// Views subscribe with onLive(fn) and reload what they show; fn gets
// {kind: 'event', types, tickets} (the event names and ticket numbers of a
// burst) or {kind: 'poll'}.

const subs = new Set();
const statusSubs = new Set();
let es = null;
let pollTimer = null;
let retryTimer = null;
let status = 'off';
let running = false;

function pollMs() {
  let v = 15000;
  try {
    const s = Number(localStorage.getItem('rexian.pollMs'));
    if (s >= 250) v = s;
  } catch { /* ignore */ }
  return v;
}

function setStatus(s) {
  if (s === status) return;
  status = s;
  for (const fn of statusSubs) fn(s);
}

function emit(msg) {
  for (const fn of subs) {
    try { fn(msg); } catch (e) { console.error(e); }
  }
}

// The stream names each event after the ticket action (or system event) it
// reports: create, dispatch, accept, ..., sla_warning, sla_overdue. Any of
// them means "something changed"; the data says which ticket.
const NAMES = [
  'create', 'answer', 'dispatch', 'accept', 'subdispatch', 'return', 'refuse_return',
  'request_extension', 'approve_extension', 'refuse_extension', 'reply', 'callback', 'reopen',
  'merge', 'urge', 'comment', 'sla_warning', 'sla_overdue', 'deadline_recomputed',
];

// Events are coalesced: a burst (a batch dispatch, the timer loop's cards)
// reaches the views as one notice naming every ticket in it.
const COALESCE_MS = 250;
let pending = null;

function onEvent(e) {
  let data = null;
  try { data = e.data ? JSON.parse(e.data) : null; } catch { data = null; }
  if (!pending) {
    pending = { tickets: new Set(), types: new Set() };
    setTimeout(() => {
      const p = pending;
      pending = null;
      emit({ kind: 'event', type: [...p.types][0], types: [...p.types], tickets: [...p.tickets], data: null });
    }, COALESCE_MS);
  }
  pending.types.add(e.type);
  if (data && data.ticket) pending.tickets.add(String(data.ticket));
}

// Without the stream: poll every pollMs. With it: a slow safety poll, for
// what the stream does not tell this role (others' comments, say).
const SAFETY_MS = 60000;
let pollEvery = 0;

function startPolling(every = pollMs()) {
  if (pollTimer && pollEvery === every) return;
  if (pollTimer) clearInterval(pollTimer);
  pollEvery = every;
  pollTimer = setInterval(() => {
    if (document.visibilityState === 'hidden') return;
    emit({ kind: 'poll', type: 'poll', data: null });
  }, every);
}

function stopPolling() {
  if (pollTimer) clearInterval(pollTimer);
  pollTimer = null;
}

function connect() {
  if (!running || typeof EventSource === 'undefined') {
    setStatus('poll');
    startPolling();
    return;
  }
  try {
    es = new EventSource('/api/v1/events', { withCredentials: true });
  } catch {
    setStatus('poll');
    startPolling();
    return;
  }
  es.onopen = () => {
    setStatus('live');
    startPolling(SAFETY_MS);
    // Catch up on whatever happened while we were away.
    emit({ kind: 'poll', type: 'reconnected', data: null });
  };
  es.onmessage = onEvent;
  for (const n of NAMES) es.addEventListener(n, onEvent);
  es.onerror = () => {
    if (!es) return;
    if (es.readyState === EventSource.CLOSED) {
      // Refused (404: the server has no stream yet, or 401/5xx): poll, and
      // try the stream again later.
      es.close();
      es = null;
      setStatus('poll');
      startPolling();
      clearTimeout(retryTimer);
      retryTimer = setTimeout(connect, 60000);
    } else {
      // The browser reconnects by itself; poll meanwhile.
      setStatus('reconnecting');
      startPolling();
    }
  };
}

export function startLive() {
  if (running) return;
  running = true;
  connect();
}

export function stopLive() {
  running = false;
  if (es) es.close();
  es = null;
  stopPolling();
  clearTimeout(retryTimer);
  setStatus('off');
}

export function onLive(fn) {
  subs.add(fn);
  return () => subs.delete(fn);
}

export function onLiveStatus(fn) {
  statusSubs.add(fn);
  fn(status);
  return () => statusSubs.delete(fn);
}

export function liveStatus() { return status; }
