// The operators' console: renders the JSON API and applies the server-sent events as they come. No framework, no
// build step: the jar serves these files as they are.
(function () {
  'use strict';

  const state = { migrations: new Map(), selected: null, detail: null, status: null, connected: false, opened: false };
  const $ = (id) => document.getElementById(id);

  // ---- formatting -------------------------------------------------------------------------------------------------
  function esc(value) {
    return String(value == null ? '' : value).replace(/[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  }
  function bytes(n) {
    const units = ['B', 'kB', 'MB', 'GB', 'TB'];
    let i = 0; let v = Number(n);
    while (Math.abs(v) >= 1000 && i < units.length - 1) { v /= 1000; i++; }
    return (i === 0 ? v.toFixed(0) : v.toFixed(1)) + ' ' + units[i];
  }
  function count(n) { return Number(n).toLocaleString('en-US', { maximumFractionDigits: 1 }); }
  function amount(n, unit) { return unit === 'bytes' ? bytes(n) : count(n); }
  function seconds(s) {
    s = Math.max(0, Math.round(s));
    if (s < 120) return s + ' s';
    if (s < 7200) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
    return (s / 3600).toFixed(1) + ' h';
  }
  function duration(ms) { return ms < 10000 ? (ms / 1000).toFixed(2) + ' s' : seconds(ms / 1000); }
  function time(iso) {
    if (!iso) return '–';
    const at = new Date(iso);
    const clock = at.toLocaleTimeString('en-GB');
    // Older than today: the day matters more than the second.
    return at.toDateString() === new Date().toDateString() ? clock
      : at.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' }) + ' ' + clock.slice(0, 5);
  }
  function ago(iso) { return iso ? seconds((Date.now() - new Date(iso).getTime()) / 1000) + ' ago' : ''; }
  function fact(key, value) {
    if (typeof value === 'number' && /bytes/i.test(key)) return bytes(value);
    if (typeof value === 'number' && /Millis$/.test(key)) return duration(value);
    if (typeof value === 'number') return count(value);
    return String(value);
  }
  const LABELS = { writeDowntimeMillis: 'write downtime', lagBytes: 'replication lag' };
  function label(key) {
    return LABELS[key] || key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/ Millis$| Bytes$/, '').toLowerCase();
  }

  // ---- status line ------------------------------------------------------------------------------------------------
  function renderStatus() {
    const el = $('status');
    const s = state.status;
    if (!state.opened) {
      el.className = 'status unknown';
      el.textContent = 'Connecting to the console…';
      return;
    }
    if (!state.connected) {
      el.className = 'status lost';
      el.textContent = 'Console connection lost: reconnecting… (the page shows what it had)';
      return;
    }
    if (!s) return;
    const last = s.lastEventAt ? 'last event ' + time(s.lastEventAt) + ' (' + ago(s.lastEventAt) + ')' : 'no event read yet';
    if (s.brokerReachable) {
      el.className = 'status up';
      el.textContent = 'Broker ' + s.bootstrapServers + ' reachable · ' + last + ' · ' + count(s.eventsRead) + ' events read';
    } else if (!s.checkedAt) {
      el.className = 'status unknown';
      el.textContent = 'Checking broker ' + s.bootstrapServers + '… · ' + last;
    } else {
      el.className = 'status down';
      el.textContent = 'Broker ' + s.bootstrapServers + ' NOT reachable (' + (s.problem || 'no answer') +
        ') · showing what was read before · ' + last;
    }
  }

  // ---- migration list ---------------------------------------------------------------------------------------------
  function renderList() {
    const list = $('migrations');
    const items = [...state.migrations.values()]
      .sort((a, b) => new Date(b.lastEventAt) - new Date(a.lastEventAt));
    if (items.length === 0) { list.innerHTML = '<li class="empty">No migration seen yet.</li>'; return; }
    list.innerHTML = items.map((m) =>
      '<li><a href="#/m/' + encodeURIComponent(m.id) + '" data-id="' + esc(m.id) + '" class="migration ' + esc(m.state) +
      (m.id === state.selected ? ' selected' : '') + '">' +
      '<span class="id">' + esc(m.id) + '</span>' +
      '<span class="sub"><span class="badge ' + esc(m.state) + '">' + esc(m.state) + '</span> ' +
      (m.cutOver ? '<span class="badge cutover">cut over</span> ' : '') +
      esc(m.current || '') + ' · ' + time(m.lastEventAt) + '</span></a></li>').join('');
  }

  // ---- one migration ----------------------------------------------------------------------------------------------
  function renderDetail() {
    const main = $('detail');
    const d = state.detail;
    if (!state.selected) return;
    if (!d) { main.innerHTML = '<p class="empty">No events of migration ' + esc(state.selected) + ' yet.</p>'; return; }
    const s = d.summary;
    const head =
      '<h2 id="migration-id">' + esc(s.id) + ' <span class="badge ' + esc(s.state) + '" id="migration-state">' + esc(s.state) + '</span>' +
      (s.cutOver ? ' <span class="badge cutover">cut over</span>' : '') + '</h2>' +
      '<p class="summary">' + s.steps + ' steps · ' + s.running + ' running · ' + s.failed + ' failed · first event ' +
      time(s.firstEventAt) + ' · last event ' + time(s.lastEventAt) + '</p>';
    let header = $('detail-head');
    let timeline = $('timeline');
    if (!header || !timeline || main.dataset.id !== s.id) {
      main.innerHTML = '<div id="detail-head"></div><ol class="timeline" id="timeline"></ol>';
      main.dataset.id = s.id;
      header = $('detail-head');
      timeline = $('timeline');
    }
    if (header.innerHTML !== head) header.innerHTML = head;
    patch(timeline, d.steps);
    tick();
  }

  // Replaces only the steps whose rendering changed, so a pushed progress report leaves the rest of the page (and
  // whatever the operator selected there) alone.
  const rendered = new WeakMap();
  function patch(timeline, steps) {
    steps.forEach((st, i) => {
      const html = step(st);
      const existing = timeline.children[i];
      if (existing && rendered.get(existing) === html) return;
      const holder = document.createElement('ol');
      holder.innerHTML = html;
      const fresh = holder.firstElementChild;
      rendered.set(fresh, html);
      if (existing) timeline.replaceChild(fresh, existing); else timeline.appendChild(fresh);
    });
    while (timeline.children.length > steps.length) timeline.removeChild(timeline.lastElementChild);
  }

  function step(st) {
    const running = st.state === 'RUNNING';
    return '<li class="step ' + esc(st.state) + '" data-key="' + esc(st.key) + '" data-state="' + esc(st.state) + '">' +
      '<div class="step-head"><span class="service">' + esc(st.service) + '</span>' +
      '<span class="title">' + esc(st.title) + '</span>' +
      '<span class="badge ' + esc(st.state) + '">' + esc(st.state.toLowerCase()) + '</span>' +
      '<span class="when">' + when(st, running) + '</span></div>' +
      (st.state === 'FAILED' ? '<dl class="failure"><dt>Reason</dt><dd class="reason">' + esc(st.reason || 'not given') +
        '</dd><dt>What to do</dt><dd class="action">' + esc(st.action || 'not given') + '</dd></dl>' : '') +
      facts(st.facts || {}) + cutoverPhases(st.facts && st.facts.phases) +
      (st.phases || []).map((p) => phase(p, st.state)).join('') + '</li>';
  }

  function when(st, running) {
    if (running) {
      return 'started ' + time(st.startedAt) + ' · running for <span class="elapsed" data-started="' + esc(st.startedAt) +
        '">' + duration(st.durationMillis) + '</span>';
    }
    // Only an outcome and no progress before it: the events do not say when the command started.
    if ((st.phases || []).length === 0 && st.durationMillis === 0) return 'finished ' + time(st.endedAt);
    return 'started ' + time(st.startedAt) + ' · took <span class="took">' + duration(st.durationMillis) + '</span>';
  }

  function facts(f) {
    const shown = Object.keys(f).filter((k) => k !== 'phases');
    if (shown.length === 0) return '';
    const important = new Set(['writeDowntimeMillis', 'lagBytes', 'answer', 'verification.state']);
    return '<ul class="facts">' + shown.map((k) =>
      '<li class="fact' + (important.has(k) ? ' highlight' : '') + '" data-fact="' + esc(k) + '">' + esc(label(k)) +
      ' <b>' + esc(fact(k, f[k])) + '</b></li>').join('') + '</ul>';
  }

  function cutoverPhases(phases) {
    if (!Array.isArray(phases) || phases.length === 0) return '';
    const longest = Math.max(1, ...phases.map((p) => p.millis));
    return '<table class="cutover-phases"><tbody>' + phases.map((p) =>
      '<tr data-cutover-phase="' + esc(p.phase) + '"><td>' + esc(p.phase) + '</td><td class="ms">' + duration(p.millis) +
      '</td><td class="mini"><span style="width:' + Math.max(1, Math.round(p.millis * 100 / longest)) + '%"></span></td></tr>').join('') +
      '</tbody></table>';
  }

  // A succeeded run's earlier phases may end below their total (a phase reporting "step 2 of 4" is left for the next):
  // no ETA for them; a failed run's unfinished phase is where it stopped.
  function phase(p, stepState) {
    const known = p.percent !== null && p.percent !== undefined;
    const finished = p.total > 0 && p.done >= p.total;
    const eta = finished ? 'done' : stepState === 'FAILED' ? 'stopped here' : stepState === 'SUCCEEDED' ? 'left for the next phase'
      : p.etaSeconds !== null && p.etaSeconds !== undefined ? 'ETA ' + seconds(p.etaSeconds) : 'ETA unknown';
    return '<div class="phase" data-phase="' + esc(p.phase) + '">' +
      '<span class="name">' + esc(p.phase) + '</span>' +
      '<div class="bar' + (known ? '' : ' unknown') + '" role="progressbar" aria-valuemin="0" aria-valuemax="100"' +
      (known ? ' aria-valuenow="' + p.percent + '"' : '') + '><span style="width:' + (known ? p.percent : 100) + '%"></span></div>' +
      '<span class="numbers">' + amount(p.done, p.unit) + ' / ' + amount(p.total, p.unit) + ' ' + (p.unit === 'bytes' ? '' : esc(p.unit)) +
      (known ? ' (' + p.percent + '%)' : '') + '</span>' +
      '<span class="rate">' + (p.unit === 'bytes' ? bytes(p.ratePerSecond) + '/s' : count(p.ratePerSecond) + ' ' + esc(p.unit) + '/s') +
      ' · <span class="eta">' + eta + '</span>' + (p.message ? ' · <span class="message">' + esc(p.message) + '</span>' : '') +
      ' · at ' + time(p.at) + '</span></div>';
  }

  // Running steps' durations and the status line's "ago" move every second without any event.
  function tick() {
    document.querySelectorAll('.elapsed[data-started]').forEach((el) => {
      el.textContent = duration(Math.max(0, Date.now() - new Date(el.dataset.started).getTime()));
    });
    renderStatus();
  }

  // ---- data -------------------------------------------------------------------------------------------------------
  async function getJson(path) {
    const response = await fetch(path, { cache: 'no-store' });
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(path + ': HTTP ' + response.status);
    return response.json();
  }

  async function loadList() {
    const list = await getJson('api/migrations');
    state.migrations = new Map((list || []).map((m) => [m.id, m]));
    if (!state.selected && list && list.length > 0) {
      location.replace('#/m/' + encodeURIComponent(list[0].id));
      return;
    }
    renderList();
  }

  async function loadDetail() {
    if (!state.selected) return;
    state.detail = await getJson('api/migrations/' + encodeURIComponent(state.selected));
    renderDetail();
  }

  function route() {
    const match = location.hash.match(/^#\/m\/(.+)$/);
    state.selected = match ? decodeURIComponent(match[1]) : null;
    state.detail = null;
    renderList();
    loadDetail().catch(showError);
  }

  function showError(e) { console.error(e); }

  function listen() {
    const events = new EventSource('api/events');
    events.onopen = () => {
      state.connected = true;
      state.opened = true;
      // After a reconnect the page may have missed changes: fetch everything again.
      loadList().then(loadDetail).catch(showError);
    };
    events.onerror = () => { state.connected = false; renderStatus(); };
    events.addEventListener('status', (e) => {
      state.status = JSON.parse(e.data);
      state.connected = state.opened = true;
      renderStatus();
    });
    events.addEventListener('migration', (e) => {
      const d = JSON.parse(e.data);
      state.migrations.set(d.summary.id, d.summary);
      if (!state.selected) { location.replace('#/m/' + encodeURIComponent(d.summary.id)); return; }
      renderList();
      if (d.summary.id === state.selected) { state.detail = d; renderDetail(); }
    });
  }

  window.addEventListener('hashchange', route);
  route();
  loadList().catch(showError);
  listen();
  setInterval(tick, 1000);
})();
