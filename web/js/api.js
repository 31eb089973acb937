// The HTTP API (docs/API.md). The session lives in the HttpOnly cookie set by
// POST /auth/login; the token is never kept in JavaScript. Every request
// carries `X-Requested-With: rexian`: the server refuses cookie-authenticated
// writes without it (the CSRF defence), and a cross-site page cannot add it.

export const BASE = '/api/v1';

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || 'http_' + status;
    this.field = e.field || null;
    this.allowed = e.allowed || null;
  }
}

const listeners = new Set();
/** Called with no argument whenever the server answers 401 (session over). */
export function onUnauthenticated(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export async function api(method, path, body, { quiet401 = false } = {}) {
  const headers = { 'X-Requested-With': 'rexian', Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(BASE + path, init);
  } catch (err) {
    const e = new ApiError(0, { error: { code: 'network', message: String(err.message || err) } });
    throw e;
  }
  let data = null;
  if (res.status !== 204) {
    const text = await res.text();
    if (text) {
      try { data = JSON.parse(text); } catch { data = null; }
    }
  }
  if (!res.ok) {
    if (res.status === 401 && !quiet401) for (const fn of listeners) fn();
    throw new ApiError(res.status, data);
  }
  return data;
}

export const get = (path, opts) => api('GET', path, undefined, opts);
export const post = (path, body, opts) => api('POST', path, body === undefined ? {} : body, opts);
export const patch = (path, body) => api('PATCH', path, body);
export const put = (path, body) => api('PUT', path, body);
export const del = (path) => api('DELETE', path);

/** Builds "?a=1&b=2" from an object, leaving out empty values. */
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === '') continue;
    u.set(k, String(v));
  }
  const s = u.toString();
  return s ? '?' + s : '';
}

export function action(number, name, version, args) {
  return post(`/tickets/${encodeURIComponent(number)}/actions/${name}`, { version, ...args });
}

// ---- feature detection ---------------------------------------------------
// Endpoints that other parts of the server add over time. A route that does
// not exist answers 404 (code not_found); we then hide what depends on it.
const features = new Map();

async function probe(path) {
  try {
    await get(path, { quiet401: true });
    return true;
  } catch (e) {
    if (e.status === 404 || e.status === 405 || e.status === 0) return false;
    // 400 (missing argument), 403 (not for this role): the route exists.
    return e.status !== 401 ? true : false;
  }
}

/** Resolves to true when the API has `path` (cached for the page's life). */
export function has(name) {
  const paths = {
    kbSuggest: '/kb/suggest?text=' + encodeURIComponent('电梯'),
    kbArticles: '/kb/articles?limit=1',
    calendar: '/calendar',
    slaRules: '/sla-rules',
    apiKeys: '/api-keys',
    stats: '/stats/overview',
  };
  if (!features.has(name)) features.set(name, probe(paths[name]));
  return features.get(name);
}

/** Whether the ticket list takes a query parameter (unknown ones answer 400). */
export function listTakes(param, sample) {
  const key = 'list:' + param;
  if (!features.has(key)) {
    features.set(key, get('/tickets' + qs({ [param]: sample, limit: 1 }), { quiet401: true })
      .then(() => true, (e) => !(e.status === 400 && e.field === param) && e.status !== 404 && e.status !== 401));
  }
  return features.get(key);
}

/** Whether /tickets/{n}/similar exists, learnt from a real ticket number. */
export function hasSimilar(number) {
  if (!features.has('similar')) {
    features.set('similar', get(`/tickets/${number}/similar`, { quiet401: true })
      .then(() => true, (e) => e.status !== 404 && e.status !== 401));
  }
  return features.get('similar');
}

export function forgetFeatures() { features.clear(); }

/** Items of a list answer, whatever the exact envelope. */
export function itemsOf(data) {
  if (!data) return [];
  if (Array.isArray(data)) return data;
  return data.items || data.suggestions || data.candidates || data.articles || [];
}
