// The workstation's shell: who is logged in, the header and navigation, and
// which screen the URL names.
import { html, render, useState, useEffect, useLayoutEffect, useRef } from './lib.js';
import { get, post, onUnauthenticated, has, forgetFeatures } from './api.js';
import { t, tl, getLang, setLang } from './i18n.js';
import { navigate, useRoute } from './router.js';
import { startLive, stopLive, onLiveStatus } from './live.js';
import { loadRef, invalidateRef } from './data.js';
import { Link, ErrorBox } from './components.js';
import { LoginPage } from './pages/login.js';
import { IntakePage } from './pages/intake.js';
import { CallbacksPage } from './pages/callbacks.js';
import { QueuePage } from './pages/queue.js';
import { TicketPage } from './pages/ticket.js';
import { TicketsPage } from './pages/tickets.js';
import { SupervisePage } from './pages/supervise.js';
import { DashboardPage } from './pages/dashboard.js';
import { ReportPage } from './pages/report.js';
import { AdminUnits, AdminCategories, AdminUsers, AdminCalendar, AdminSlaRules, AdminApiKeys } from './pages/admin.js';

const HOME = { agent: '/intake', handler: '/queue', supervisor: '/supervise', admin: '/admin/units' };

function navFor(role, extra) {
  const items = {
    agent: [['/intake', 'nav_intake'], ['/callbacks', 'nav_callbacks'], ['/tickets', 'nav_tickets']],
    handler: [['/queue', 'nav_queue']],
    supervisor: [['/supervise', 'nav_supervise'], ['/dashboard', 'nav_dashboard'], ['/report', 'nav_report'], ['/callbacks', 'nav_callbacks'],
      ['/tickets', 'nav_tickets'], ['/intake', 'nav_intake']],
    admin: [['/admin/units', 'nav_units'], ['/admin/categories', 'nav_categories'], ['/admin/users', 'nav_users'],
      ...(extra.calendar ? [['/admin/calendar', 'nav_calendar']] : []),
      ...(extra.slaRules ? [['/admin/sla-rules', 'nav_sla_rules']] : []),
      ...(extra.apiKeys ? [['/admin/api-keys', 'nav_api_keys']] : []),
      ['/tickets', 'nav_tickets'], ['/dashboard', 'nav_dashboard'], ['/report', 'nav_report']],
  };
  return items[role] || [];
}

function LiveIndicator() {
  const [s, setS] = useState('off');
  useEffect(() => onLiveStatus(setS), []);
  const label = { live: t('live_on'), poll: t('live_poll'), reconnecting: t('live_reconnecting'), off: t('live_off') }[s];
  return html`<span class=${'live live-' + s} data-live=${s} title=${label}><span aria-hidden="true">●</span> ${label}</span>`;
}

function Header({ user, extra, onLogout, onLang, path }) {
  const nav = navFor(user.role, extra);
  return html`<header class="top">
    <a class="skip" href="#main">${t('skip')}</a>
    <div class="brand"><${Link} href=${HOME[user.role] || '/'}>${t('app_name')}</${Link}></div>
    <nav aria-label=${t('nav_main')}>
      <ul>${nav.map(([href, key]) => html`<li><${Link} href=${href}
        aria-current=${path === href || (href !== '/' && path.startsWith(href + '/')) ? 'page' : undefined}>${t(key)}</${Link}></li>`)}</ul>
    </nav>
    <div class="who">
      <${LiveIndicator} />
      <span class="user" data-role=${user.role}>${user.name || user.username} · ${tl('role', user.role)}</span>
      <button type="button" class="link-button" onClick=${onLang} aria-label=${t('lang_switch_label')} lang=${getLang() === 'en' ? 'zh-CN' : 'en'}>${t('lang_switch')}</button>
      <button type="button" class="link-button" onClick=${onLogout}>${t('logout')}</button>
    </div>
  </header>`;
}

function Screen({ user, route, ref_, extra }) {
  const p = route.path;
  const props = { user, ref_, route };
  let m;
  if (p === '/' || p === '' || p === '/login') return null;
  if ((m = /^\/t\/(\d{14})$/.exec(p))) return html`<${TicketPage} ...${props} number=${m[1]} />`;
  switch (p) {
    case '/intake': return html`<${IntakePage} ...${props} />`;
    case '/callbacks': return html`<${CallbacksPage} ...${props} />`;
    case '/queue': return html`<${QueuePage} ...${props} />`;
    case '/tickets': return html`<${TicketsPage} ...${props} />`;
    case '/supervise': return html`<${SupervisePage} ...${props} />`;
    case '/dashboard': return html`<${DashboardPage} ...${props} />`;
    case '/report': return html`<${ReportPage} ...${props} />`;
    case '/admin/units': return html`<${AdminUnits} ...${props} />`;
    case '/admin/categories': return html`<${AdminCategories} ...${props} />`;
    case '/admin/users': return html`<${AdminUsers} ...${props} />`;
    case '/admin/calendar': return html`<${AdminCalendar} ...${props} />`;
    case '/admin/sla-rules': return html`<${AdminSlaRules} ...${props} />`;
    case '/admin/api-keys': return html`<${AdminApiKeys} ...${props} />`;
    default: return html`<section class="card"><h1>404</h1><p><${Link} href=${HOME[user.role] || '/'}>${t('back')}</${Link}></p></section>`;
  }
}

function App() {
  const route = useRoute();
  const [user, setUser] = useState(undefined); // undefined: asking; null: logged out
  const [ref_, setRef] = useState(null);
  const [refErr, setRefErr] = useState(null);
  const [extra, setExtra] = useState({});
  const [, setLangTick] = useState(0);
  const [flash, setFlash] = useState(null);
  const mainRef = useRef(null);
  // Where to go back to after logging in again (a session that ran out, or
  // a bookmarked ticket opened while logged out).
  const returnTo = useRef(location.pathname === '/' || location.pathname === '/login' ? null : location.pathname + location.search);

  useEffect(() => {
    get('/auth/me', { quiet401: true }).then((d) => setUser(d.user), () => setUser(null));
    return onUnauthenticated(() => {
      returnTo.current = location.pathname === '/login' ? returnTo.current : location.pathname + location.search;
      setFlash(t('session_over'));
      setUser(null);
    });
  }, []);

  // A layout effect, so that logging in (or out) moves to the role's home
  // (or the login form) before anything is painted at the old address.
  useLayoutEffect(() => {
    if (!user) {
      stopLive();
      setRef(null);
      invalidateRef();
      forgetFeatures();
      if (user === null && route.path !== '/login') navigate('/login', { replace: true });
      return;
    }
    startLive();
    loadRef().then(setRef, setRefErr);
    const onRef = () => { invalidateRef(); loadRef().then(setRef, setRefErr); };
    window.addEventListener('rexian:ref', onRef);
    if (user.role === 'admin') {
      Promise.all([has('calendar'), has('slaRules'), has('apiKeys')]).then(([calendar, slaRules, apiKeys]) =>
        setExtra({ calendar, slaRules, apiKeys }));
    }
    const back = returnTo.current;
    const mayGo = back && (back.startsWith('/t/') || navFor(user.role, { calendar: 1, slaRules: 1, apiKeys: 1 }).some(([h]) => back.split('?')[0] === h));
    if (route.path === '/' || route.path === '/login') navigate(mayGo ? back : HOME[user.role] || '/tickets', { replace: true });
    returnTo.current = null;
    return () => window.removeEventListener('rexian:ref', onRef);
  }, [user]);

  // Move focus to the main region when the screen changes (for screen readers
  // and keyboard users), unless the screen focuses something itself.
  const lastPath = useRef(route.path);
  useEffect(() => {
    if (lastPath.current === route.path) return;
    lastPath.current = route.path;
    setTimeout(() => {
      const a = document.activeElement;
      if (mainRef.current && (!a || a === document.body || !mainRef.current.contains(a))) mainRef.current.focus({ preventScroll: true });
    }, 0);
  }, [route.path]);

  const logout = async () => {
    try { await post('/auth/logout'); } catch { /* already out */ }
    setFlash(null);
    setUser(null);
  };
  const switchLang = () => {
    setLang(getLang() === 'en' ? 'zh-CN' : 'en');
    setLangTick((n) => n + 1);
  };

  if (user === undefined) return html`<p class="boot">${t('loading')}</p>`;
  if (user === null) {
    return html`<${LoginPage} flash=${flash} onLang=${switchLang}
      onLogin=${(u) => { setFlash(null); setUser(u); }} />`;
  }
  return html`<div class="shell" data-lang=${getLang()}>
    <${Header} user=${user} extra=${extra} path=${route.path} onLogout=${logout} onLang=${switchLang} />
    <main id="main" tabindex="-1" ref=${mainRef}>
      ${refErr ? html`<${ErrorBox} error=${refErr} onRetry=${() => { setRefErr(null); loadRef().then(setRef, setRefErr); }} />` : null}
      ${ref_ ? html`<${Screen} user=${user} route=${route} ref_=${ref_} extra=${extra} />` : html`<p class="muted">${t('loading')}</p>`}
    </main>
  </div>`;
}

document.title = t('app_name');
render(html`<${App} />`, document.getElementById('app'));
