// Charts (#/charts?month=YYYY-MM&unit_id=): GET /v1/attendance/stats drawn with Chart.js, which is loaded on this
// page only (js/vendor.js). Each chart has a heading, an aria-label that says what it shows, and its numbers in a
// table for screen readers and for reading.
import { api } from '../api.js';
import { field, h, show, table } from '../dom.js';
import { formatDate, formatNumber, lang, t, todayInHanoi } from '../i18n.js';
import { navigate } from '../router.js';
import * as session from '../session.js';
import { busy, errorBox, heading, loadUnits, notice, unitSelect } from '../ui.js';
import { vendor } from '../vendor.js';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
// Distinct at a glance and dark enough against white (WCAG AA for graphics, 3:1).
const COLOURS = ['#1f5fa8', '#b3461d', '#2c7a3f', '#7b3fa0', '#9a6b00', '#0f7c80', '#a3224f', '#4d5b6b'];

function percent(rate) {
  return rate === null || rate === undefined ? t('charts.no_rate')
    : formatNumber(rate, { style: 'percent', maximumFractionDigits: 1 });
}

function monthLabel(month) {
  return formatDate(`${month}-01`, { month: 'long', year: 'numeric' });
}

function chartSection(id, title, label, numbers) {
  const canvas = h('canvas', { role: 'img', 'aria-label': label, id: `chart-${id}` }, label);
  return {
    canvas,
    section: h('section', { class: 'chart', 'aria-labelledby': `chart-${id}-title`, dataset: { chart: id } },
      h('h2', { id: `chart-${id}-title` }, title),
      h('div', { class: 'chart-box' }, canvas),
      h('details', {}, h('summary', {}, t('charts.table')), numbers)),
  };
}

function rateChart(stats) {
  const dates = stats.units.length ? stats.units[0].days.map((day) => day.date) : [];
  const summary = stats.units.map((unit) => t('charts.rate_unit', { unit: unit.name, rate: percent(unit.rate) }))
    .join('; ');
  const numbers = h('div', { class: 'table-wrap' }, h('table', { class: 'striped' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('common.date')),
      stats.units.map((unit) => h('th', { scope: 'col', class: 'numeric' }, unit.name)))),
    h('tbody', {}, dates.map((date, index) => h('tr', {}, h('th', { scope: 'row' }, formatDate(date)),
      stats.units.map((unit) => {
        const day = unit.days[index];
        return h('td', { class: 'numeric' }, day.rate === null ? t('charts.no_rate')
          : t('charts.rate_cell', { rate: percent(day.rate), present: day.present, expected: day.expected }));
      })))),
    h('tfoot', {}, h('tr', {}, h('th', { scope: 'row' }, t('charts.rate_month')),
      stats.units.map((unit) => h('td', { class: 'numeric' }, percent(unit.rate)))))));
  const part = chartSection('rate', t('charts.rate_title'),
    t('charts.rate_label', { month: monthLabel(stats.month), summary }), numbers);
  part.config = {
    type: 'line',
    data: {
      labels: dates.map((date) => formatDate(date, { day: '2-digit', month: '2-digit' })),
      datasets: stats.units.map((unit, index) => ({
        label: unit.name,
        data: unit.days.map((day) => (day.rate === null ? null : Math.round(day.rate * 1000) / 10)),
        borderColor: COLOURS[index % COLOURS.length],
        backgroundColor: COLOURS[index % COLOURS.length],
        spanGaps: false,
        tension: 0,
      })),
    },
    options: { scales: { y: { min: 0, max: 100, title: { display: true, text: t('charts.rate_axis') } } } },
  };
  return part;
}

function latenessChart(stats) {
  const rows = stats.lateness_by_weekday;
  const weekday = (row) => t(`charts.weekday_${row.weekday}`);
  const summary = rows.filter((row) => row.late_days).map((row) => t('charts.late_summary', {
    weekday: weekday(row), days: row.late_days, minutes: row.late_minutes })).join('; ');
  const numbers = table([
    { label: t('charts.weekday'), cell: weekday },
    { label: t('charts.late_days'), cell: (row) => formatNumber(row.late_days), class: 'numeric' },
    { label: t('charts.late_minutes'), cell: (row) => formatNumber(row.late_minutes), class: 'numeric' },
  ], rows);
  const part = chartSection('lateness', t('charts.late_title'),
    t('charts.late_label', { month: monthLabel(stats.month), summary }), numbers);
  part.config = {
    type: 'bar',
    data: {
      labels: rows.map(weekday),
      datasets: [
        { label: t('charts.late_days'), data: rows.map((row) => row.late_days), backgroundColor: COLOURS[1],
          yAxisID: 'y' },
        { label: t('charts.late_minutes'), data: rows.map((row) => row.late_minutes), backgroundColor: COLOURS[0],
          yAxisID: 'y1' },
      ],
    },
    options: {
      scales: {
        y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: t('charts.late_days') } },
        y1: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false }, ticks: { precision: 0 },
          title: { display: true, text: t('charts.late_minutes') } },
      },
    },
  };
  return part;
}

function arrivalsChart(stats) {
  const rows = stats.arrivals;
  const span = (row) => `${row.from}–${row.to}`;
  const busiest = rows.reduce((best, row) => (!best || row.count > best.count ? row : best), null);
  const summary = busiest && busiest.count
    ? t('charts.arrivals_summary', { from: busiest.from, to: busiest.to, count: busiest.count })
    : t('charts.arrivals_none');
  const numbers = table([
    { label: t('charts.time'), cell: span },
    { label: t('charts.arrivals_count'), cell: (row) => formatNumber(row.count), class: 'numeric' },
  ], rows);
  const part = chartSection('arrivals', t('charts.arrivals_title'),
    t('charts.arrivals_label', { month: monthLabel(stats.month), summary }), numbers);
  part.config = {
    type: 'bar',
    data: {
      labels: rows.map((row) => row.from),
      datasets: [{ label: t('charts.arrivals_count'), data: rows.map((row) => row.count),
        backgroundColor: COLOURS[2] }],
    },
    options: {
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { tooltip: { callbacks: { title: (items) => span(rows[items[0].dataIndex]) } } },
    },
  };
  return part;
}

export default {
  id: 'charts',
  path: '/charts',
  title: 'charts.title',
  nav: { order: 60 },
  allowed: () => session.hasRole('unit_leader', 'unit_head', 'oversight', 'system_admin'),
  async render(main, context) {
    const month = MONTH.test(context.query.month || '') ? context.query.month : todayInHanoi().slice(0, 7);
    const unitId = context.query.unit_id || '';
    const monthInput = h('input', { type: 'month', name: 'month', value: month });
    const unitHolder = h('div', { class: 'field' });
    const form = h('form', { class: 'toolbar charts-filter' }, field(t('charts.month'), monthInput), unitHolder,
      h('button', { type: 'submit', class: 'secondary' }, t('charts.show')));
    let unitInput = null;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      navigate('/charts', { month: MONTH.test(monthInput.value) ? monthInput.value : month,
        unit_id: unitInput ? unitInput.value : unitId });
    });
    const results = h('div', { class: 'charts' }, busy());
    show(main, heading(t('charts.title')), h('p', {}, t('charts.intro')), form, results);

    const [stats, units, Chart] = await Promise.all([
      api('GET', '/v1/attendance/stats', { query: { month, unit_id: unitId } }).catch((error) => error),
      loadUnits().catch(() => null),
      vendor('chart.umd.min.js', 'Chart').catch(() => null),
    ]);
    if (!context.isCurrent()) return undefined;
    if (units && units.length > 1) {
      unitInput = unitSelect(units, unitId, { all: t('common.all_units') });
      unitInput.name = 'unit_id';
      unitHolder.replaceWith(field(t('common.unit'), unitInput));
    } else {
      unitHolder.remove();
    }
    if (stats instanceof Error) {
      show(results, errorBox(stats));
      return undefined;
    }
    const parts = [rateChart(stats), latenessChart(stats), arrivalsChart(stats)];
    show(results, stats.units.length ? null : notice(t('charts.no_units')), Chart ? null
      : notice(t('charts.not_loaded'), 'warning'), parts.map((part) => part.section));
    if (!Chart) return undefined;
    const locale = lang() === 'vi' ? 'vi-VN' : 'en-GB';
    const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    const charts = parts.map((part) => new Chart(part.canvas, {
      ...part.config,
      options: {
        ...part.config.options, locale, responsive: true, maintainAspectRatio: false, animation: reduced ? false : {
          duration: 300 },
        plugins: { legend: { position: 'bottom' }, ...part.config.options.plugins },
      },
    }));
    return () => charts.forEach((chart) => chart.destroy());
  },
};
