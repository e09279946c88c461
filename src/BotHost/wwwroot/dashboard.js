// The program dashboard: reads /api/program/metrics for the chosen filters and draws its charts as inline SVG.
// Nothing is fetched from anywhere but this host. Outside local development mode the API wants an Entra ID bearer
// token; the page keeps one given in the address (#token=...) for this browser tab only.
(function () {
  'use strict';

  const SVG = 'http://www.w3.org/2000/svg';
  const colours = { influenced: '#2f6fdb', sourced: '#12a27c', attributed: '#e0902b', direct: '#8a94a3', bad: '#c8412f' };
  const $ = (id) => document.getElementById(id);
  let currency = 'USD';

  const hashToken = new URLSearchParams(location.hash.slice(1)).get('token');
  if (hashToken) {
    sessionStorage.setItem('npn.dashboard.token', hashToken);
    history.replaceState(null, '', location.pathname + location.search);
  }

  function iso(date) {
    return date.toISOString().slice(0, 10);
  }

  // The period choices as dates (UTC), so a partner in any time zone sees the same quarter.
  function period(choice) {
    const now = new Date();
    const y = now.getUTCFullYear();
    const q = Math.floor(now.getUTCMonth() / 3);
    const day = (yy, mm, dd) => new Date(Date.UTC(yy, mm, dd));
    switch (choice) {
      case 'this-quarter': return [day(y, q * 3, 1), day(y, q * 3 + 3, 0)];
      case 'last-quarter': return [day(y, q * 3 - 3, 1), day(y, q * 3, 0)];
      case 'this-year': return [day(y, 0, 1), day(y, 11, 31)];
      case 'last-year': return [day(y - 1, 0, 1), day(y - 1, 11, 31)];
      case 'last-12-months': return [day(y, now.getUTCMonth() - 11, 1), day(y, now.getUTCMonth() + 1, 0)];
      default: return [new Date($('from').value || iso(day(y, 0, 1))), new Date($('to').value || iso(now))];
    }
  }

  function query() {
    const [from, to] = period($('period').value);
    const params = new URLSearchParams({ from: iso(from), to: iso(to) });
    for (const name of ['type', 'tier', 'region']) {
      if ($(name).value) params.set(name, $(name).value);
    }
    return params;
  }

  function money(value) {
    if (value === null || value === undefined) return 'n/a';
    const abs = Math.abs(value);
    const symbol = currency === 'USD' ? '$' : currency + ' ';
    if (abs >= 1e6) return symbol + (value / 1e6).toFixed(abs >= 1e7 ? 0 : 1) + 'M';
    if (abs >= 1e3) return symbol + (value / 1e3).toFixed(abs >= 1e5 ? 0 : 1) + 'k';
    return symbol + Math.round(value);
  }

  function number(value, digits) {
    return value === null || value === undefined ? 'n/a' : Number(value).toFixed(digits ?? 0);
  }

  function el(name, attributes, text) {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function empty(container, message) {
    container.replaceChildren();
    const p = document.createElement('p');
    p.className = 'empty';
    p.textContent = message;
    container.append(p);
  }

  function legend(container, series) {
    if (series.length < 2) return;
    const div = document.createElement('div');
    div.className = 'legend';
    for (const s of series) {
      const span = document.createElement('span');
      const swatch = document.createElement('i');
      swatch.style.background = s.colour;
      span.append(swatch, s.name);
      div.append(span);
    }
    container.append(div);
  }

  // Vertical grouped bars: one group per category, one bar per series; a zero line and a labelled top.
  function bars(container, categories, series, format, options) {
    const values = series.flatMap(s => s.values).filter(v => v !== null && v !== undefined);
    if (categories.length === 0 || values.length === 0 || values.every(v => v === 0)) {
      empty(container, (options && options.emptyText) || 'No figures for this filter.');
      return;
    }
    const width = (options && options.width) || 600, height = 220, left = 56, bottom = 36, top = 14;
    // Counts get a scale in whole steps of a quarter, so the axis never shows the same rounded number twice.
    const top4 = Math.max(...values, 0) * 1.1;
    const max = options && options.integer ? Math.max(4, Math.ceil(top4 / 4) * 4) : top4 || 1;
    const plotH = height - bottom - top, plotW = width - left - 8;
    const group = plotW / categories.length;
    const barW = Math.max(2, Math.min(40, (group * 0.8) / series.length));
    const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': (options && options.label) || 'bar chart' });
    for (let i = 0; i <= 4; i++) {
      const y = top + plotH - (plotH * i) / 4;
      svg.append(el('line', { x1: left, x2: width - 8, y1: y, y2: y, class: 'axis' }));
      svg.append(el('text', { x: left - 6, y: y + 4, 'text-anchor': 'end' }, format((max * i) / 4)));
    }
    categories.forEach((category, c) => {
      const x0 = left + c * group + (group - barW * series.length) / 2;
      series.forEach((s, k) => {
        const v = s.values[c] ?? 0;
        const h = (plotH * Math.max(0, v)) / max;
        const bar = el('rect', { x: x0 + k * barW, y: top + plotH - h, width: barW - 1, height: h, fill: s.colour, 'data-value': v });
        bar.append(el('title', {}, `${s.name} – ${category}: ${format(v)}`));
        svg.append(bar);
        if (series.length === 1 && categories.length <= 12) {
          svg.append(el('text', { x: x0 + barW / 2, y: top + plotH - h - 3, 'text-anchor': 'middle', class: 'value-label' }, format(v)));
        }
      });
      const label = categories.length > 8 && c % 2 === 1 ? '' : category;
      svg.append(el('text', { x: left + c * group + group / 2, y: height - bottom + 14, 'text-anchor': 'middle' }, label));
    });
    container.replaceChildren(svg);
    legend(container, series);
  }

  // Horizontal bars, for long category names (partner types).
  function hbars(container, rows, format, colour, emptyText) {
    const shown = rows.filter(r => r.value !== null && r.value !== undefined);
    if (shown.length === 0) {
      empty(container, emptyText || 'No figures for this filter.');
      return;
    }
    const width = 600, row = 26, left = 190, right = 70;
    const height = shown.length * row + 8;
    const max = Math.max(...shown.map(r => r.value), 0) || 1;
    const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'bar chart' });
    shown.forEach((r, i) => {
      const y = 4 + i * row;
      const w = ((width - left - right) * Math.max(0, r.value)) / max;
      svg.append(el('text', { x: left - 8, y: y + 16, 'text-anchor': 'end' }, r.label));
      const bar = el('rect', { x: left, y: y + 4, width: Math.max(1, w), height: row - 8, fill: r.colour || colour, 'data-value': r.value });
      bar.append(el('title', {}, `${r.label}: ${format(r.value)}`));
      svg.append(bar);
      svg.append(el('text', { x: left + w + 6, y: y + 16, class: 'value-label' }, format(r.value)));
    });
    container.replaceChildren(svg);
  }

  // A line over ordered points with a fixed scale (PSAT runs from 0 to 10).
  function line(container, labels, values, min, max, format) {
    const points = values.map((v, i) => [i, v]).filter(p => p[1] !== null && p[1] !== undefined);
    if (points.length === 0) {
      empty(container, 'No survey answers in these quarters.');
      return;
    }
    const width = 600, height = 200, left = 40, bottom = 30, top = 12;
    const plotW = width - left - 36, plotH = height - bottom - top;
    const x = (i) => left + (labels.length === 1 ? plotW / 2 : (plotW * i) / (labels.length - 1));
    const y = (v) => top + plotH - (plotH * (v - min)) / (max - min);
    const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'line chart' });
    for (let t = min; t <= max; t += (max - min) / 5) {
      svg.append(el('line', { x1: left, x2: width - 36, y1: y(t), y2: y(t), class: 'axis' }));
      svg.append(el('text', { x: left - 6, y: y(t) + 4, 'text-anchor': 'end' }, format(t)));
    }
    labels.forEach((label, i) => svg.append(el('text', { x: x(i), y: height - 10, 'text-anchor': 'middle' }, label)));
    svg.append(el('polyline', { points: points.map(p => `${x(p[0])},${y(p[1])}`).join(' '), fill: 'none', stroke: colours.influenced, 'stroke-width': 2 }));
    for (const [i, v] of points) {
      const dot = el('circle', { cx: x(i), cy: y(v), r: 4, fill: colours.influenced, 'data-value': v });
      dot.append(el('title', {}, `${labels[i]}: ${format(v)}`));
      svg.append(dot);
      svg.append(el('text', { x: x(i), y: y(v) - 8, 'text-anchor': 'middle', class: 'value-label' }, format(v)));
    }
    container.replaceChildren(svg);
  }

  function tile(label, value, note, alert) {
    const div = document.createElement('div');
    div.className = 'tile' + (alert ? ' alert' : '');
    div.dataset.metric = label;
    const l = document.createElement('div');
    l.className = 'label';
    l.textContent = label;
    const v = document.createElement('div');
    v.className = 'value';
    v.textContent = value;
    div.append(l, v);
    if (note) {
      const n = document.createElement('div');
      n.className = 'note';
      n.textContent = note;
      div.append(n);
    }
    return div;
  }

  function render(m) {
    currency = m.currency || 'USD';
    const r = m.revenue, ttv = m.timeToValue, psat = m.psat, cac = m.cac;
    $('scope').textContent = `${m.scope} · ${m.partnersInView} partner${m.partnersInView === 1 ? '' : 's'} · ${m.filter.from} to ${m.filter.to} · ${currency}`;
    $('tiles').replaceChildren(
      tile('Partner-influenced revenue', money(r.partnerInfluenced), `${r.wonDeals} won deals, ${money(r.wonRevenue)} in all`),
      tile('Partner-sourced revenue', money(r.partnerSourced)),
      tile('ROPI', r.ropi === null ? 'n/a' : number(r.ropi, 1) + '×', `${money(r.attributed)} attributed on ${money(r.investment)} invested`),
      tile('Time to value', ttv.medianDays === null ? 'n/a' : number(ttv.medianDays) + ' days',
        ttv.withinTargetShare === null ? `${ttv.waiting} waiting for a first win` : `${number(ttv.withinTargetShare * 100)} % within ${ttv.targetDays} days`),
      tile('PSAT', psat.averageScore === null ? 'n/a' : number(psat.averageScore, 1) + ' / 10', `${psat.responses} answers, ${number(psat.lowShare * 100)} % low`),
      tile('Partner CAC', money(cac.partner.cac), cac.direct ? `direct ${money(cac.direct.cac)}` : cac.note),
      tile('Overdue reviews', String(m.registrations.overdueReviews), `${m.registrations.pendingReviews} registrations waiting`, m.registrations.overdueReviews > 0),
      tile('MDF available', money(m.mdf.budget - m.mdf.committed), `${money(m.mdf.paidInPeriod)} paid in the period`));

    bars($('chart-monthly'), m.monthly.map(p => p.month), [
      { name: 'Partner-influenced', colour: colours.influenced, values: m.monthly.map(p => p.influenced) },
      { name: 'Partner-sourced', colour: colours.sourced, values: m.monthly.map(p => p.sourced) },
      { name: 'Attributed', colour: colours.attributed, values: m.monthly.map(p => p.attributed) },
    ], money, { label: 'partner revenue by month', emptyText: 'No won deals in this period.', width: 1200 });
    hbars($('chart-ropi'), m.byPartnerType.map(t => ({ label: t.partnerType, value: t.ropi })), v => number(v, 1) + '×', colours.attributed,
      'No program investment recorded for this period, so no ROPI.');
    bars($('chart-ttv'), ttv.buckets.map(b => b.label), [{ name: 'Partners', colour: colours.sourced, values: ttv.buckets.map(b => b.count) }],
      v => number(v), { label: 'partners by days to first won deal', emptyText: 'No partners invited in view.', integer: true });
    line($('chart-psat-trend'), psat.trend.map(q => q.quarter), psat.trend.map(q => q.averageScore), 0, 10, v => number(v, 1));
    hbars($('chart-psat-type'), psat.byPartnerType.map(g => ({ label: g.name, value: g.averageScore })), v => number(v, 1), colours.influenced,
      'No survey answers in this period.');
    const cacRows = [{ label: 'Partner channel', value: cac.partner.cac, colour: colours.sourced }];
    if (cac.direct) cacRows.push({ label: 'Direct sales', value: cac.direct.cac, colour: colours.direct });
    hbars($('chart-cac'), cacRows, money, colours.sourced, 'No cost inputs recorded for this period.');
    hbars($('chart-cltv'), m.cltv.map(g => ({ label: `${g.acquiredBy} (${g.customers})`, value: g.averageLifetimeRevenue })), money, colours.influenced,
      'No customer revenue recorded.');
    bars($('chart-registrations'), m.registrations.byStatus.map(s => s.label),
      [{ name: 'Registrations', colour: colours.influenced, values: m.registrations.byStatus.map(s => s.count) }],
      v => number(v), { label: 'registrations by status', emptyText: 'No registrations submitted in this period.', integer: true });
    hbars($('chart-mdf'), [
      { label: 'Budget', value: m.mdf.budget, colour: colours.direct },
      { label: 'Committed', value: m.mdf.committed, colour: colours.attributed },
      { label: 'Paid in period', value: m.mdf.paidInPeriod, colour: colours.sourced },
    ], money, colours.sourced, 'No MDF budgets in view.');
    $('computed').textContent = `Computed ${new Date(m.computedAt).toLocaleString()} in ${m.computeMs} ms.`;
  }

  async function load() {
    const params = query();
    $('csv').href = '/api/program/metrics?' + params + '&format=csv';
    $('dashboard').setAttribute('aria-busy', 'true');
    const headers = { Accept: 'application/json' };
    const token = sessionStorage.getItem('npn.dashboard.token');
    if (token) headers.Authorization = 'Bearer ' + token;
    try {
      const response = await fetch('/api/program/metrics?' + params, { headers, credentials: 'same-origin' });
      if (!response.ok) {
        let detail = response.statusText;
        try { detail = (await response.json()).detail || detail; } catch { /* not JSON */ }
        throw new Error(response.status === 401 ? 'Sign in first: open this page with #token=<an Entra ID access token>. ' + detail : detail);
      }
      render(await response.json());
      $('error').hidden = true;
      document.body.dataset.state = 'ready';
    } catch (error) {
      $('error').textContent = error.message;
      $('error').hidden = false;
      document.body.dataset.state = 'error';
    } finally {
      $('dashboard').setAttribute('aria-busy', 'false');
    }
  }

  function showCustom() {
    const custom = $('period').value === 'custom';
    for (const label of document.querySelectorAll('#filters .custom')) label.hidden = !custom;
  }

  $('filters').addEventListener('change', () => { showCustom(); load(); });
  $('filters').addEventListener('submit', (e) => { e.preventDefault(); load(); });
  showCustom();
  load();
})();
