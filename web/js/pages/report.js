// 月度报告 — the monthly report a center prints for the city government:
// the month's volume and how it came in, the hot topics of its last week,
// and the ranking of every unit within its kind (三率 and on-time rates,
// the composite score), with charts. One page, print-ready (app.css
// @media print): the browser's "print" or "save as PDF" makes the paper.
// Every figure comes from the server's pre-aggregated statistics:
//   GET /stats/overview?from&to, /stats/hot?day&window=week,
//   /stats/assessment?month.
import { html, useState, useEffect, useRef } from '../lib.js';
import { get, qs } from '../api.js';
import { t, tl, addStrings, getLang } from '../i18n.js';
import { serverToday } from '../format.js';
import { ErrorBox, loadEcharts } from '../components.js';

addStrings({
  'zh-CN': {
    nav_report: '月度报告',
    report_title: '{month} 12345 热线月度报告',
    report_month: '月份',
    report_print: '打印',
    report_export_xlsx: '考核表 Excel',
    report_export_csv: '考核表 CSV',
    report_summary: '一、受理概况',
    report_total: '受理总量',
    report_direct: '直办率',
    report_kb: '知识库答复占比',
    report_on_time: '按时办结（截至目前）',
    report_by_channel: '按渠道',
    report_by_type: '按类型',
    report_by_day: '每日受理量',
    report_hot: '二、热点诉求（月末一周）',
    report_hot_none: '本周没有明显高于前四周的诉求。',
    report_hot_kind_category: '分类',
    report_hot_kind_area: '区域',
    report_hot_kind_keyword: '关键词',
    report_hot_count: '本周',
    report_hot_base: '前四周周均',
    report_hot_ratio: '倍数',
    report_rank: '三、承办单位考核排名',
    report_weights: '综合得分 = 响应率×{response}% + 解决率×{resolution}% + 满意率×{satisfaction}%',
    report_rank_kind: '{kind}（{n} 个）',
    report_no_units: '本月没有该类单位的工单。',
    col_rank: '名次',
    col_unit: '单位',
    col_received: '受理',
    col_sign: '签收及时率',
    col_reply: '按时办结率',
    col_response: '响应率',
    col_resolution: '解决率',
    col_satisfaction: '满意率',
    col_return: '退单率',
    col_redo: '重办率',
    col_score: '综合得分',
    report_generated: '生成时间：{at}',
    report_score_chart: '综合得分',
  },
  en: {
    nav_report: 'Monthly report',
    report_title: '12345 hotline monthly report, {month}',
    report_month: 'Month',
    report_print: 'Print',
    report_export_xlsx: 'Assessment (Excel)',
    report_export_csv: 'Assessment (CSV)',
    report_summary: '1. Volume',
    report_total: 'Tickets received',
    report_direct: 'Answered directly',
    report_kb: 'Answered from the knowledge base',
    report_on_time: 'Replied on time (so far)',
    report_by_channel: 'By channel',
    report_by_type: 'By type',
    report_by_day: 'Tickets per day',
    report_hot: '2. Hot topics (last week of the month)',
    report_hot_none: 'Nothing this week stands far above the four weeks before.',
    report_hot_kind_category: 'Category',
    report_hot_kind_area: 'Area',
    report_hot_kind_keyword: 'Keyword',
    report_hot_count: 'This week',
    report_hot_base: 'Weekly mean before',
    report_hot_ratio: 'Ratio',
    report_rank: '3. Unit assessment ranking',
    report_weights: 'Score = response × {response}% + resolution × {resolution}% + satisfaction × {satisfaction}%',
    report_rank_kind: '{kind} ({n})',
    report_no_units: 'No tickets for units of this kind this month.',
    col_rank: 'Rank',
    col_unit: 'Unit',
    col_received: 'Received',
    col_sign: 'Signed on time',
    col_reply: 'Replied on time',
    col_response: 'Response',
    col_resolution: 'Resolution',
    col_satisfaction: 'Satisfaction',
    col_return: 'Returned',
    col_redo: 'Reopened',
    col_score: 'Score',
    report_generated: 'Generated {at}',
    report_score_chart: 'Score',
  },
});

const RANK_KINDS = ['bureau', 'district', 'street', 'enterprise'];
const RATE_COLS = [
  ['sign_on_time', 'col_sign'], ['reply_on_time', 'col_reply'], ['response', 'col_response'],
  ['resolution', 'col_resolution'], ['satisfaction', 'col_satisfaction'], ['return', 'col_return'],
  ['redo', 'col_redo'],
];

/** The month before the server's current one, as YYYY-MM (a report covers a closed month). */
export function lastMonth(today = serverToday()) {
  let y = Number(today.slice(0, 4));
  let m = Number(today.slice(5, 7)) - 1;
  if (m === 0) { m = 12; y--; }
  return `${y}-${String(m).padStart(2, '0')}`;
}

function monthRange(month) {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

/** A rate given as a fraction 0..1 (the statistics API). */
function pct(r) {
  if (!r || r.rate === null || r.rate === undefined || !r.den) return '—';
  return (Math.round(r.rate * 1000) / 10).toFixed(1) + '%';
}

/** A rate given in percent, rounded to 0.1 (the assessment API). */
function pctOf(r) {
  if (!r || r.rate === null || r.rate === undefined) return '—';
  return r.rate.toFixed(1) + '%';
}

function num(n) {
  return n === null || n === undefined ? '—' : String(n);
}

/** A chart rendered as SVG (sharp on paper), with its figures as a table beside it. */
function Chart({ id, title, option }) {
  const el = useRef(null);
  useEffect(() => {
    let chart = null;
    let gone = false;
    loadEcharts().then((echarts) => {
      if (gone || !el.current) return;
      chart = echarts.init(el.current, null, { renderer: 'svg' });
      chart.setOption({ animation: false, aria: { enabled: true }, ...option }, true);
    });
    return () => { gone = true; if (chart) chart.dispose(); };
  }, [JSON.stringify(option)]);
  return html`<figure class="report-chart" data-chart=${id}>
    <figcaption>${title}</figcaption>
    <div class="chart" ref=${el} role="img" aria-label=${title}></div>
  </figure>`;
}

function Summary({ ov }) {
  const byDay = ov.by_day || [];
  return html`<section class="card report-section" aria-labelledby="rep-sum">
    <h2 id="rep-sum">${t('report_summary')}</h2>
    <dl class="report-kpis">
      <div><dt>${t('report_total')}</dt><dd data-testid="report-total">${num(ov.total)}</dd></div>
      <div><dt>${t('report_direct')}</dt><dd>${pct(ov.direct_answer)}</dd></div>
      <div><dt>${t('report_kb')}</dt><dd>${pct(ov.kb_answer)}</dd></div>
      ${ov.on_time ? html`<div><dt>${t('report_on_time')}</dt><dd>${pct({
        den: ov.on_time.ok + ov.on_time.overdue,
        rate: ov.on_time.ok + ov.on_time.overdue ? ov.on_time.ok / (ov.on_time.ok + ov.on_time.overdue) : null })}</dd></div>` : null}
    </dl>
    <div class="report-split">
      <table class="data"><caption>${t('report_by_channel')}</caption>
        <tbody>${(ov.by_channel || []).map((x) => html`<tr><th scope="row">${tl('channel', x.channel)}</th><td>${x.count}</td></tr>`)}</tbody>
      </table>
      <table class="data"><caption>${t('report_by_type')}</caption>
        <tbody>${(ov.by_type || []).map((x) => html`<tr><th scope="row">${tl('type', x.type)}</th><td>${x.count}</td></tr>`)}</tbody>
      </table>
    </div>
    <${Chart} id="report-by-day" title=${t('report_by_day')} option=${{
      grid: { left: 40, right: 10, top: 10, bottom: 24 },
      xAxis: { type: 'category', data: byDay.map((d) => d.date.slice(8)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [{ type: 'bar', data: byDay.map((d) => d.count), itemStyle: { color: '#1d5fa8' } }],
    }} />
  </section>`;
}

function Hot({ hot }) {
  const items = (hot && hot.items) || [];
  return html`<section class="card report-section" aria-labelledby="rep-hot">
    <h2 id="rep-hot">${t('report_hot')}</h2>
    ${items.length === 0 ? html`<p class="muted">${t('report_hot_none')}</p>` : html`
    <table class="data" data-testid="report-hot">
      <thead><tr><th scope="col">#</th><th scope="col">${t('report_hot_kind_category')} / ${t('report_hot_kind_area')} / ${t('report_hot_kind_keyword')}</th>
        <th scope="col">${t('report_hot_count')}</th><th scope="col">${t('report_hot_base')}</th><th scope="col">${t('report_hot_ratio')}</th></tr></thead>
      <tbody>${items.map((x, i) => html`<tr>
        <td>${i + 1}</td>
        <th scope="row">${t('report_hot_kind_' + x.kind)}：${x.name || x.key}</th>
        <td>${x.count}</td><td>${typeof x.baseline === 'number' ? x.baseline.toFixed(1) : num(x.baseline)}</td>
        <td>${typeof x.ratio === 'number' ? x.ratio.toFixed(1) + '×' : '—'}</td></tr>`)}</tbody>
    </table>`}
  </section>`;
}

function Ranking({ as }) {
  const w = as.weights || {};
  const units = as.units || [];
  return html`<section class="card report-section report-ranking" aria-labelledby="rep-rank">
    <h2 id="rep-rank">${t('report_rank')}</h2>
    <p class="muted">${t('report_weights', { response: w.response, resolution: w.resolution, satisfaction: w.satisfaction })}</p>
    ${RANK_KINDS.map((kind) => {
      const rows = units.filter((u) => u.kind === kind).sort((a, b) => (a.rank || 1e9) - (b.rank || 1e9));
      const title = t('report_rank_kind', { kind: tl('kind', kind), n: rows.length });
      return html`<div class="report-kind" data-kind=${kind}>
        <h3>${title}</h3>
        ${rows.length === 0 ? html`<p class="muted">${t('report_no_units')}</p>` : html`
        <table class="data report-table" data-testid=${'report-rank-' + kind}>
          <thead><tr><th scope="col">${t('col_rank')}</th><th scope="col">${t('col_unit')}</th><th scope="col">${t('col_received')}</th>
            ${RATE_COLS.map(([, label]) => html`<th scope="col">${t(label)}</th>`)}<th scope="col">${t('col_score')}</th></tr></thead>
          <tbody>${rows.map((u) => html`<tr>
            <td>${num(u.rank)}</td><th scope="row">${u.name}</th><td>${num(u.counts && u.counts.received)}</td>
            ${RATE_COLS.map(([k]) => html`<td>${pctOf(u.rates && u.rates[k])}</td>`)}
            <td>${typeof u.score === 'number' ? u.score.toFixed(1) : '—'}</td></tr>`)}</tbody>
        </table>
        <${Chart} id=${'report-score-' + kind} title=${title + ' · ' + t('report_score_chart')} option=${{
          grid: { left: 130, right: 16, top: 6, bottom: 20 },
          yAxis: { type: 'category', data: rows.slice(0, 15).map((u) => u.name).reverse() },
          xAxis: { type: 'value', min: 0, max: 100 },
          series: [{ type: 'bar', data: rows.slice(0, 15).map((u) => (typeof u.score === 'number' ? u.score : 0)).reverse(),
            itemStyle: { color: '#2e7d32' } }],
        }} />`}
      </div>`;
    })}
  </section>`;
}

export function ReportPage({ route }) {
  const initial = route && route.query.get('month');
  const [month, setMonth] = useState(/^\d{4}-\d{2}$/.test(initial || '') ? initial : lastMonth());
  const [data, setData] = useState(null);
  const [err, setErr] = useState(null);
  const seq = useRef(0);

  const load = async () => {
    const my = ++seq.current;
    setData(null);
    setErr(null);
    const { from, to } = monthRange(month);
    try {
      const [ov, hot, as] = await Promise.all([
        get('/stats/overview' + qs({ from, to })),
        get('/stats/hot' + qs({ day: to, window: 'week', limit: 10 })),
        get('/stats/assessment' + qs({ month })),
      ]);
      if (my === seq.current) setData({ ov, hot, as });
    } catch (e) {
      if (my === seq.current) setErr(e);
    }
  };
  useEffect(() => { load(); }, [month]);

  return html`<div class="report" lang=${getLang()}>
    <div class="card toolbar no-print">
      <div class="field inline">
        <label for="report-month">${t('report_month')}</label>
        <input id="report-month" type="month" value=${month}
          onChange=${(e) => { if (/^\d{4}-\d{2}$/.test(e.currentTarget.value)) setMonth(e.currentTarget.value); }} />
      </div>
      <button type="button" class="btn" onClick=${() => window.print()}>${t('report_print')}</button>
      <a class="btn" data-testid="report-xlsx" download
        href=${'/api/v1/stats/assessment/export' + qs({ month, format: 'xlsx' })}>${t('report_export_xlsx')}</a>
      <a class="btn" download href=${'/api/v1/stats/assessment/export' + qs({ month, format: 'csv' })}>${t('report_export_csv')}</a>
    </div>
    <h1 data-testid="report-title">${t('report_title', { month })}</h1>
    <${ErrorBox} error=${err} onRetry=${load} />
    ${data ? html`
      <${Summary} ov=${data.ov} />
      <${Hot} hot=${data.hot} />
      <${Ranking} as=${data.as} />
      <p class="muted report-foot">${t('report_generated', { at: new Date().toLocaleString(getLang()) })}</p>`
    : err ? null : html`<p class="muted" aria-live="polite">${t('loading')}</p>`}
  </div>`;
}
