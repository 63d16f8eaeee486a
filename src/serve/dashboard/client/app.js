// The dashboard of `ferry serve`: plain DOM code, no framework. Every value from the server is
// put on the page as text (textContent, never innerHTML), so a record or a log line holding markup
// stays text.
'use strict';

const $ = (id) => document.getElementById(id);
const state = { overview: null, tab: 'overview', runs: [], runsTimer: null, stream: null, retryTimer: null, selectedRun: null, recordsCursor: null };

function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
        if (key === 'class') node.className = value;
        else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
        else if (key === 'dataset') Object.assign(node.dataset, value);
        else node.setAttribute(key, value);
    }
    for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(child == null ? '' : String(child)));
    return node;
}

async function api(method, path, body) {
    const response = await fetch(path, {
        method,
        credentials: 'same-origin',
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body)
    });
    const data = await response.json().catch(() => null);
    if (response.status === 401 && path !== '/dashboard/login') showLogin();
    return { status: response.status, data };
}

const errorText = (data) => (data && data.error ? `${data.error.code}${data.error.message ? `: ${data.error.message}` : ''}` : JSON.stringify(data));
const when = (iso) => (iso ? new Date(iso).toLocaleString() : '');
const json = (value) => JSON.stringify(value, null, 2);

function table(node, headers, rows, empty) {
    node.replaceChildren(el('thead', {}, el('tr', {}, headers.map((h) => el('th', {}, h)))));
    const body = el('tbody');
    if (rows.length === 0) body.append(el('tr', {}, el('td', { class: 'empty', colspan: String(headers.length) }, empty)));
    for (const row of rows) body.append(row);
    node.append(body);
}

function showLogin() {
    stopLive();
    $('tabs').hidden = true;
    for (const section of document.querySelectorAll('main > section')) section.hidden = section.id !== 'login';
    $('login-token').focus();
}

function showTab(tab) {
    state.tab = tab;
    $('login').hidden = true;
    $('tabs').hidden = false;
    for (const button of document.querySelectorAll('#tabs [data-tab]')) button.classList.toggle('active', button.dataset.tab === tab);
    for (const section of document.querySelectorAll('main > section.tab')) section.hidden = section.id !== tab;
    stopLive();
    if (tab === 'overview') void loadOverview();
    if (tab === 'runs') startLive();
    if (tab === 'records') void loadRecords(false);
    if (tab === 'webhooks') void loadWebhooks();
}

async function loadOverview() {
    const { status, data } = await api('GET', '/dashboard/api/overview');
    if (status !== 200) return;
    state.overview = data;
    $('env').textContent = `environment ${data.environment}`;
    table($('integrations'), ['Key', 'Provider', 'Connections', 'Base URL', 'OAuth app'], data.integrations.map((i) =>
        el('tr', {}, el('td', {}, i.unique_key), el('td', {}, i.provider), el('td', {}, i.connections), el('td', {}, i.base_url || ''), el('td', {}, i.oauth ? 'yes' : 'no'))), 'No integration yet: ferry integrations create <key> --provider <provider> -e local');
    table($('connections'), ['Connection', 'Integration', 'Provider', 'Created', 'Metadata', ''], data.connections.map((c) =>
        el('tr', {}, el('td', {}, c.connection_id), el('td', {}, c.provider_config_key), el('td', {}, c.provider), el('td', {}, when(c.created)),
            el('td', {}, el('pre', {}, c.metadata && Object.keys(c.metadata).length ? json(c.metadata) : '')),
            el('td', {}, el('button', { onclick: () => openRecords(c) }, 'Records')))), 'No connection yet');
    table($('functions'), ['Integration', 'Type', 'Name', 'Version', 'Runs', 'Models', 'Deployed'], data.functions.map((f) =>
        el('tr', {}, el('td', {}, f.integration), el('td', {}, f.event ? `on-event (${f.event})` : f.type), el('td', {}, f.name), el('td', {}, f.version),
            el('td', {}, f.runs || ''), el('td', {}, (f.models || []).join(', ')), el('td', {}, when(f.deployed_at)))), 'Nothing deployed yet: ferry deploy -e local');
    fillRunForm(data);
}

const connectionKey = (c) => JSON.stringify([c.provider_config_key, c.connection_id]);

function fillRunForm(data) {
    const select = $('run-function');
    const previous = select.value;
    const runnable = data.functions.filter((f) => f.type === 'sync' || f.type === 'action');
    select.replaceChildren(...runnable.map((f) => el('option', { value: JSON.stringify([f.integration, f.type, f.name]) }, `${f.type} ${f.integration}/${f.name}`)));
    if (runnable.some((f) => JSON.stringify([f.integration, f.type, f.name]) === previous)) select.value = previous;
    fillRunConnections();
}

function fillRunConnections() {
    const chosen = $('run-function').value ? JSON.parse($('run-function').value) : null;
    const connections = (state.overview ? state.overview.connections : []).filter((c) => chosen && c.provider_config_key === chosen[0]);
    $('run-connection').replaceChildren(...connections.map((c) => el('option', { value: connectionKey(c) }, c.connection_id)));
    $('run-input-label').hidden = !chosen || chosen[1] !== 'action';
    $('run-button').textContent = chosen && chosen[1] === 'sync' ? 'Trigger sync' : 'Run action';
    $('run-button').disabled = !chosen || connections.length === 0;
}

async function submitRun(event) {
    event.preventDefault();
    const [integration, type, name] = JSON.parse($('run-function').value);
    const [, connection] = JSON.parse($('run-connection').value);
    const message = $('run-message');
    message.className = '';
    let input;
    if (type === 'action') {
        try {
            input = JSON.parse($('run-input').value || 'null');
        } catch (error) {
            message.className = 'error';
            message.textContent = `The input is not JSON: ${error.message}`;
            return;
        }
    }
    message.textContent = type === 'sync' ? 'Triggering…' : 'Starting…';
    const { status, data } = type === 'sync' ? await api('POST', '/dashboard/api/sync', { integration, connection, sync: name }) : await api('POST', '/dashboard/api/action', { integration, connection, action: name, input });
    $('run-result').hidden = true;
    if (status >= 400) {
        message.className = 'error';
        message.textContent = errorText(data);
        return;
    }
    if (type === 'sync') {
        message.textContent = `Sync ${name} triggered on ${connection}.`;
        state.selectedRun = null;
        return showTab('runs');
    }
    message.textContent = `Action ${name} on ${connection} returned (its run and logs are under Runs):`;
    $('run-result').hidden = false;
    $('run-result').textContent = json(data);
}

// Runs arrive as they start and finish over Server-Sent Events; when the stream drops (the server
// restarted, too many tabs) the list is polled instead and the stream tried again a little later.
function startLive() {
    void loadRuns();
    if (typeof EventSource !== 'function') return startPolling();
    const stream = new EventSource('/dashboard/api/events');
    state.stream = stream;
    stream.addEventListener('ready', () => {
        // Anything that ran while the stream was away is in this fresh list.
        if (state.runsTimer) void loadRuns();
        stopPolling();
        $('runs-live').textContent = '(live)';
    });
    stream.addEventListener('run', (event) => upsertRun(JSON.parse(event.data).run));
    stream.addEventListener('error', () => {
        stream.close();
        state.stream = null;
        startPolling();
        state.retryTimer = setTimeout(() => {
            if (state.tab !== 'runs') return;
            stopPolling();
            startLive();
        }, 10000);
    });
}

function stopLive() {
    if (state.stream) state.stream.close();
    state.stream = null;
    clearTimeout(state.retryTimer);
    stopPolling();
}

function startPolling() {
    if (state.runsTimer) return;
    $('runs-live').textContent = '(refreshed every 1.5 s)';
    state.runsTimer = setInterval(() => void loadRuns(), 1500);
}

function stopPolling() {
    clearInterval(state.runsTimer);
    state.runsTimer = null;
}

const counts = (r) => (r ? `+${r.added} ~${r.updated} -${r.deleted}` : '');

async function loadRuns() {
    const { status, data } = await api('GET', '/dashboard/api/runs');
    if (status !== 200) return;
    $('runs-note').textContent = data.note || '';
    // A run the stream announced while this list was on its way stays.
    const newest = data.runs.length ? data.runs[0].id : 0;
    state.runs = [...state.runs.filter((r) => r.id > newest), ...data.runs];
    renderRuns();
    await loadRunDetail();
}

function upsertRun(run) {
    state.runs = [run, ...state.runs.filter((r) => r.id !== run.id)].sort((a, b) => b.id - a.id).slice(0, 100);
    renderRuns();
    if (run.id === state.selectedRun) void loadRunDetail();
}

function selectRun(id) {
    state.selectedRun = id;
    renderRuns();
    void loadRunDetail();
}

function renderRuns() {
    table($('runs-table'), ['Started', 'Type', 'Function', 'Connection', 'Status', 'Duration', 'Records (added ~updated -deleted)'], state.runs.map((run) =>
        el('tr', { class: `clickable${run.id === state.selectedRun ? ' selected' : ''}`, dataset: { run: run.id }, onclick: () => selectRun(run.id) },
            el('td', {}, when(run.started_at)), el('td', {}, run.mode ? `${run.type} (${run.mode.toLowerCase()})` : run.type), el('td', {}, `${run.integration}/${run.name}`), el('td', {}, run.connection),
            el('td', {}, el('span', { class: `status ${run.status}` }, run.status)), el('td', {}, run.duration_ms == null ? '' : `${run.duration_ms} ms`), el('td', { class: 'counts' }, counts(run.records)))), 'No run yet');
}

async function loadRunDetail() {
    const detail = $('run-detail');
    const selected = state.selectedRun === null ? null : await api('GET', `/dashboard/api/runs/${encodeURIComponent(state.selectedRun)}`);
    detail.hidden = !selected || selected.status !== 200;
    if (!detail.hidden) detail.replaceChildren(...runDetail(selected.data));
}

function runDetail(run) {
    const parts = [el('h3', {}, `${run.type} ${run.integration}/${run.name} on ${run.connection}: ${run.status}`)];
    if (run.error) parts.push(el('h4', {}, 'Error'), el('pre', { class: 'error' }, `${run.error.type}: ${run.error.message}`));
    const models = Object.entries(run.models || {});
    if (models.length) parts.push(el('h4', {}, 'Records'), el('pre', { id: 'run-models' }, models.map(([model, r]) => `${model}: ${counts(r)}`).join('\n')));
    const logs = run.logs || [];
    const dropped = run.logs_dropped ? `\n(${run.logs_dropped} more not kept)` : '';
    parts.push(el('h4', {}, 'Logs'), el('pre', { id: 'run-logs' }, logs.length ? logs.map((l) => `${l.time} ${l.level} ${l.message}`).join('\n') + dropped : '(none)'));
    return parts;
}

function openRecords(connection) {
    showTab('records');
    $('records-connection').value = connectionKey(connection);
    $('records-model').replaceChildren();
    void loadRecords(false);
}

async function loadRecords(more) {
    const connections = state.overview ? state.overview.connections : [];
    const select = $('records-connection');
    const previous = select.value;
    select.replaceChildren(...connections.map((c) => el('option', { value: connectionKey(c) }, `${c.provider_config_key} / ${c.connection_id}`)));
    if (previous && connections.some((c) => connectionKey(c) === previous)) select.value = previous;
    if (!select.value) return table($('records-table'), ['Records'], [], 'No connection yet');
    const [integration, connection] = JSON.parse(select.value);
    const query = new URLSearchParams({ integration, connection });
    if ($('records-model').value) query.set('model', $('records-model').value);
    if ($('records-search').value) query.set('search', $('records-search').value);
    if (more && state.recordsCursor) query.set('cursor', state.recordsCursor);
    const { status, data } = await api('GET', `/dashboard/api/records?${query}`);
    if (status !== 200) return table($('records-table'), ['Records'], [], errorText(data));
    const model = $('records-model');
    model.replaceChildren(...data.models.map((m) => el('option', { value: m.model }, `${m.model} (${m.count})`)));
    if (data.model) model.value = data.model;
    state.recordsCursor = data.next_cursor;
    $('records-more').hidden = !data.next_cursor;
    $('records-summary').textContent = data.model ? `${data.records.length} record(s) of ${data.model} shown${data.next_cursor ? '; more on the next page' : ''}` : '';
    table($('records-table'), ['Id', 'Last action', 'Modified', 'Record'], data.records.map((r) => {
        const { _nango_metadata: meta, ...record } = r;
        return el('tr', {}, el('td', {}, r.id), el('td', {}, meta.last_action), el('td', {}, when(meta.last_modified_at)), el('td', {}, el('pre', {}, json(record))));
    }), data.model ? 'No record matches' : 'This connection has no records yet');
}

async function loadWebhooks() {
    const { status, data } = await api('GET', '/dashboard/api/webhooks');
    if (status !== 200) return;
    $('webhooks-note').textContent = data.available ? 'Every webhook sent to the app; Re-send queues a copy (signed again).' : 'This server has no webhooks to the app (no webhook outbox), so there is nothing to re-send.';
    table($('webhooks-table'), ['Id', 'Kind', 'URL', 'Status', 'Attempts', 'Created', 'Body', ''], data.deliveries.map((w) =>
        el('tr', {}, el('td', {}, w.id), el('td', {}, w.kind), el('td', {}, w.url), el('td', {}, el('span', { class: `status ${w.status}` }, w.status), w.last_error ? el('div', { class: 'muted small' }, w.last_error) : ''),
            el('td', {}, w.attempts), el('td', {}, when(w.created_at)), el('td', {}, el('pre', {}, w.body)),
            el('td', {}, el('button', { onclick: async () => { const r = await api('POST', `/dashboard/api/webhooks/${w.id}/resend`, {}); if (r.status !== 200) alert(errorText(r.data)); void loadWebhooks(); } }, 'Re-send')))), 'No webhook sent yet');
}

async function login(event) {
    event.preventDefault();
    const { status, data } = await api('POST', '/dashboard/login', { token: $('login-token').value });
    $('login-token').value = '';
    if (status !== 200) {
        $('login-error').textContent = errorText(data);
        return;
    }
    $('login-error').textContent = '';
    showTab('overview');
}

document.addEventListener('DOMContentLoaded', async () => {
    $('login-form').addEventListener('submit', login);
    $('run-form').addEventListener('submit', submitRun);
    $('run-function').addEventListener('change', fillRunConnections);
    $('records-form').addEventListener('submit', (event) => { event.preventDefault(); void loadRecords(false); });
    $('records-connection').addEventListener('change', () => { $('records-model').replaceChildren(); void loadRecords(false); });
    $('records-model').addEventListener('change', () => void loadRecords(false));
    $('records-more').addEventListener('click', () => void loadRecords(true));
    $('logout').addEventListener('click', async () => { await api('POST', '/dashboard/logout', {}); showLogin(); });
    for (const button of document.querySelectorAll('#tabs [data-tab]')) button.addEventListener('click', () => showTab(button.dataset.tab));
    const { status } = await api('GET', '/dashboard/api/overview');
    if (status === 200) showTab('overview');
    else showLogin();
});
