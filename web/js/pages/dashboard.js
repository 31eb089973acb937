// 统计 — the supervisor's dashboard with Apache ECharts: volume by day, by
// category, by area, the share on time, units ranked. It updates live.
//
// The figures come from GET /api/v1/stats/overview, which reads the
// server's pre-aggregated daily counts (docs/STATISTICS.md), so the page
// costs the same for a county or a province. It reloads a little after new
// tickets, dispatches and red cards arrive on the live feed (debounced: a
// burst makes one reload, at most one every LIVE_MIN_MS).
import { html, useState, useEffect, useRef } from '../lib.js';
import { get, qs } from '../api.js';
import { t, getLang } from '../i18n.js';
import { toServerTime, serverToday } from '../format.js';
import { onLive } from '../live.js';
import { ErrorBox, loadEcharts } from '../components.js';

const LIVE_DEBOUNCE_MS = 2000;
const LIVE_MIN_MS = 10000;
const LIVE_TYPES = new Set(['create', 'dispatch', 'answer', 'sla_overdue']);

function days(from, n) {
  const out = [];
  const start = Date.parse(from + 'T00:00:00Z');
  for (let i = 0; i < n; i++) out.push(new Date(start + i * 86400000).toISOString().slice(0, 10));
  return out;
}

function emptyAgg() {
  return { n: 0, byDay: new Map(), byCat: new Map(), byArea: new Map(), ok: 0, over: 0, units: new Map() };
}

/** The server's figures (GET /stats/overview) as the charts want them. */
function fromServer(d, ref_) {
  if (!d || !Array.isArray(d.by_day)) return null;
  const agg = emptyAgg();
  agg.n = d.total || 0;
  for (const x of d.by_day) agg.byDay.set(x.date, x.count);
  for (const x of d.by_category || []) agg.byCat.set(x.name || (x.category_id ? ref_.catName(x.category_id) : t('unknown')), x.count);
  for (const x of d.by_area || []) agg.byArea.set(ref_.areaName(x.area) || t('unknown'), x.count);
  agg.ok = (d.on_time && d.on_time.ok) || 0;
  agg.over = (d.on_time && d.on_time.overdue) || 0;
  for (const x of d.units || []) agg.units.set(x.unit_id, { count: x.count, overdue: x.overdue || 0 });
  return agg;
}

function topN(map, n) {
  const rows = [...map.entries()].sort((a, b) => b[1] - a[1]);
  if (rows.length <= n) return rows;
  const rest = rows.slice(n - 1).reduce((s, r) => s + r[1], 0);
  return rows.slice(0, n - 1).concat([[t('other'), rest]]);
}

function Chart({ id, title, option, rows, headers }) {
  const el = useRef(null);
  const chart = useRef(null);
  useEffect(() => {
    let gone = false;
    loadEcharts().then((echarts) => {
      if (gone || !el.current) return;
      chart.current = echarts.init(el.current, null, { renderer: 'canvas' });
      chart.current.setOption(option, true);
    });
    const onResize = () => chart.current && chart.current.resize();
    window.addEventListener('resize', onResize);
    return () => {
      gone = true;
      window.removeEventListener('resize', onResize);
      if (chart.current) chart.current.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => { if (chart.current) chart.current.setOption(option, true); }, [option]);
  return html`<section class="card chart-card" aria-labelledby=${id + '-h'} data-chart=${id}>
    <h2 id=${id + '-h'}>${title}</h2>
    <div class="chart" ref=${el} role="img" aria-label=${title}></div>
    <details>
      <summary>${t('data_table')}</summary>
      <table class="data"><thead><tr>${headers.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
        <tbody>${rows.map((r) => html`<tr>${r.map((c, i) => (i === 0 ? html`<th scope="row">${c}</th>` : html`<td>${c}</td>`))}</tr>`)}</tbody>
      </table>
    </details>
  </section>`;
}

export function DashboardPage({ ref_ }) {
  const [range, setRange] = useState(30);
  const [agg, setAgg] = useState(null);
  const [meta, setMeta] = useState({ loading: true });
  const [err, setErr] = useState(null);
  const seq = useRef(0);
  const last = useRef(0);

  const load = async () => {
    const my = ++seq.current;
    last.current = Date.now();
    setMeta((m) => ({ ...m, loading: true }));
    const from = toServerTime(Date.now() - (range - 1) * 86400000).slice(0, 10);
    try {
      const d = await get('/stats/overview' + qs({ from }));
      if (my !== seq.current) return;
      setAgg(fromServer(d, ref_) || emptyAgg());
      setMeta({ loading: false });
      setErr(null);
    } catch (e) {
      if (my === seq.current) { setErr(e); setMeta((m) => ({ ...m, loading: false })); }
    }
  };

  useEffect(() => { setAgg(null); load(); }, [range]);
  useEffect(() => {
    let timer = null;
    const off = onLive((ev) => {
      if (ev && ev.kind === 'event' && !(ev.types || []).some((x) => LIVE_TYPES.has(x))) return;
      if (timer) return;
      const wait = Math.max(LIVE_DEBOUNCE_MS, LIVE_MIN_MS - (Date.now() - last.current));
      timer = setTimeout(() => { timer = null; load(); }, wait);
    });
    return () => { off(); if (timer) clearTimeout(timer); };
  }, [range]);

  const from = toServerTime(Date.now() - (range - 1) * 86400000).slice(0, 10);
  const dayList = days(from, range).filter((d) => d <= serverToday());
  const charts = agg ? buildCharts(agg, dayList, ref_) : null;
  return html`<div class="dashboard">
    <h1>${t('dashboard_title')}</h1>
    <div class="card toolbar">
      <div class="field inline">
        <label for="dash-range">${t('range')}</label>
        <select id="dash-range" value=${String(range)} onChange=${(e) => setRange(Number(e.currentTarget.value))}>
          ${[7, 30, 90].map((n) => html`<option value=${String(n)}>${t('last_days', { n })}</option>`)}
        </select>
      </div>
      <p class="muted" aria-live="polite" data-testid="dash-sample">${meta.loading ? t('loading')
        : agg ? t('sample', { n: agg.n }) : ''}</p>
    </div>
    <${ErrorBox} error=${err} onRetry=${load} />
    ${charts ? html`<div class="chart-grid" key=${getLang()}>
      ${charts.map((c) => html`<${Chart} key=${c.id} ...${c} />`)}
    </div>` : null}
  </div>`;
}

function buildCharts(agg, dayList, ref_) {
  const base = { animationDuration: 300, aria: { enabled: true }, tooltip: { trigger: 'item' } };
  const dayVals = dayList.map((d) => agg.byDay.get(d) || 0);
  const cats = topN(agg.byCat, 10);
  const areas = topN(agg.byArea, 12);
  const units = [...agg.units.entries()].sort((a, b) => b[1].count - a[1].count || a[1].overdue - b[1].overdue).slice(0, 10);
  const total = agg.ok + agg.over;
  const share = total ? Math.round((agg.ok / total) * 1000) / 10 : 0;
  return [
    {
      id: 'by-day', title: t('by_day'), headers: [t('f_created'), t('volume')],
      rows: dayList.map((d, i) => [d, dayVals[i]]),
      option: { ...base, tooltip: { trigger: 'axis' }, grid: { left: 40, right: 16, top: 20, bottom: 30 },
        xAxis: { type: 'category', data: dayList.map((d) => d.slice(5)) }, yAxis: { type: 'value', minInterval: 1 },
        series: [{ type: 'bar', name: t('volume'), data: dayVals, itemStyle: { color: '#1d5fa8' } }] },
    },
    {
      id: 'by-category', title: t('by_category'), headers: [t('f_category'), t('volume')], rows: cats,
      option: { ...base, series: [{ type: 'pie', radius: ['35%', '65%'], name: t('by_category'),
        data: cats.map(([name, value]) => ({ name, value })), label: { formatter: '{b} {c}' } }] },
    },
    {
      id: 'by-area', title: t('by_area'), headers: [t('f_area'), t('volume')], rows: areas,
      option: { ...base, tooltip: { trigger: 'axis' }, grid: { left: 110, right: 16, top: 10, bottom: 20 },
        yAxis: { type: 'category', data: areas.map((r) => r[0]).reverse() }, xAxis: { type: 'value', minInterval: 1 },
        series: [{ type: 'bar', name: t('volume'), data: areas.map((r) => r[1]).reverse(), itemStyle: { color: '#2e7d32' } }] },
    },
    {
      id: 'on-time', title: `${t('on_time')} ${share}%`, headers: [t('f_sla'), t('volume')],
      rows: [[t('on_time_ok'), agg.ok], [t('on_time_over'), agg.over], [t('on_time'), share + '%']],
      option: { ...base, title: { text: share + '%', subtext: t('on_time_note'), left: 'center', top: 'center', textStyle: { fontSize: 22 } },
        series: [{ type: 'pie', radius: ['55%', '75%'], label: { show: false },
          data: [{ name: t('on_time_ok'), value: agg.ok, itemStyle: { color: '#2e7d32' } },
            { name: t('on_time_over'), value: agg.over, itemStyle: { color: '#b3261e', decal: { symbol: 'rect' } } }] }] },
    },
    {
      id: 'units', title: t('units_ranked'), headers: [t('f_unit'), t('volume'), t('overdue_n')],
      rows: units.map(([id, u]) => [ref_.unitName(id), u.count, u.overdue]),
      option: { ...base, tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 130, right: 16, top: 28, bottom: 20 },
        yAxis: { type: 'category', data: units.map(([id]) => ref_.unitName(id)).reverse() }, xAxis: { type: 'value', minInterval: 1 },
        series: [
          { type: 'bar', name: t('volume'), data: units.map(([, u]) => u.count).reverse(), itemStyle: { color: '#1d5fa8' } },
          { type: 'bar', name: t('overdue_n'), data: units.map(([, u]) => u.overdue).reverse(), itemStyle: { color: '#b3261e', decal: { symbol: 'rect' } } },
        ] },
    },
  ];
}
