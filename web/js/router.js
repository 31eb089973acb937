// History-API routing. Paths without a dot fall back to index.html on the
// server, so every route here is a real, bookmarkable URL.
import { useState, useEffect } from './lib.js';

const subs = new Set();

export function navigate(to, { replace = false } = {}) {
  if (to === location.pathname + location.search) {
    for (const fn of subs) fn();
    return;
  }
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  for (const fn of subs) fn();
}

window.addEventListener('popstate', () => { for (const fn of subs) fn(); });

export function currentRoute() {
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}

export function useRoute() {
  const [r, setR] = useState(currentRoute());
  useEffect(() => {
    const fn = () => setR(currentRoute());
    subs.add(fn);
    return () => subs.delete(fn);
  }, []);
  return r;
}

/** Click handler for in-app links: plain clicks navigate without a reload. */
export function linkClick(e) {
  const a = e.currentTarget;
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  if (a.target && a.target !== '_self') return;
  e.preventDefault();
  navigate(a.getAttribute('href'));
}
