// bitext review page: the documents of the memory, and a document's pairs side by side, with
// the keyboard first. Every request goes to the JSON API with the token (read once from the
// URL's fragment, then kept for the tab). Text from the memory is only ever set as textContent,
// never parsed as HTML.
'use strict';

const PAGE = 200;
const $ = (sel) => document.querySelector(sel);

const state = {
  token: null,
  info: null,
  doc: null,          // the document shown: its summary from /api/documents
  units: [],          // the pairs loaded so far, in the order shown
  more: false,        // pairs follow the loaded ones
  total: null,
  selected: -1,
  loading: false,
  filters: { status: '', max_score: '', q: '', attention: false, flagged: false },
  bulkMin: '0.95',
  similarTimer: null,
  qa: null,           // the state of the QA findings the pairs shown carry
  qaWatch: false,     // a wait for a current QA check is under way
};

// ----------------------------------------------------------------------------------------
// the API

function readToken() {
  const found = /[#&?]token=([0-9a-fA-F]+)/.exec(location.hash + location.search);
  if (found) {
    sessionStorage.setItem('bitext-token', found[1]);
    history.replaceState(null, '', location.pathname + '#/');
  }
  return sessionStorage.getItem('bitext-token');
}

class ApiError extends Error {
  constructor(status, body) {
    super(body && body.error ? body.error : 'the server answered ' + status);
    this.status = status;
    this.unit = body && body.unit;
  }
}

async function api(method, path, body) {
  const headers = { 'Authorization': 'Bearer ' + (state.token || '') };
  const init = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch('/api' + path, init);
  let data = null;
  try { data = await response.json(); } catch (_) { data = null; }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

function say(text, kind) {
  const m = $('#message');
  m.textContent = text || '';
  m.className = kind || '';
}

function failed(e) {
  say(e.message, 'error');
}

// ----------------------------------------------------------------------------------------
// small builders (text only through textContent)

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

function scoreBadge(score) {
  if (score === null || score === undefined) {
    return el('span', { class: 'badge none', title: 'no alignment score (typed, split or merged)', text: '–' });
  }
  const kind = score >= 0.9 ? 'good' : score >= 0.5 ? 'mid' : 'bad';
  return el('span', { class: 'badge ' + kind, title: 'alignment score', text: score.toFixed(2) });
}

function rangeLabel(list) {
  if (!list) return '·';
  if (list.length === 0) return '–';
  return list.length === 1 ? String(list[0]) : list[0] + '–' + list[list.length - 1];
}

function langOf(code) {
  return (code || '').split('-')[0].toLowerCase();
}

function dirOf(code) {
  return langOf(code) === 'ar' ? 'rtl' : 'ltr';
}

/// The two sides in display order: the Arabic on the right.
function columns() {
  const d = state.doc || { source_lang: 'ar', target_lang: 'en' };
  const source = { side: 'source', lang: langOf(d.source_lang) };
  const target = { side: 'target', lang: langOf(d.target_lang) };
  return source.lang === 'ar' ? [target, source] : [source, target];
}

function textBlock(text, lang) {
  return el('bdi', { class: 't', dir: dirOf(lang), lang, text });
}

const SEVERITY = { info: 0, warning: 1, error: 2 };

/// UTF-16 offsets of the text's UTF-8 byte offsets (only those at character boundaries).
function byteOffsets(text) {
  const at = new Map();
  let bytes = 0;
  for (let i = 0; i < text.length;) {
    at.set(bytes, i);
    const c = text.codePointAt(i);
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    i += c > 0xffff ? 2 : 1;
  }
  at.set(bytes, text.length);
  return at;
}

/// A side's text with what its findings are about in <mark> (text nodes only, never HTML):
/// the findings' byte spans of this side, overlaps joined at the worst severity.
function markedBlock(text, lang, findings, side) {
  const spans = [];
  if (findings && findings.length) {
    const at = byteOffsets(text);
    for (const f of findings) {
      for (const [start, end] of f[side + '_spans'] || []) {
        const a = at.get(start), b = at.get(end);
        if (a !== undefined && b !== undefined && a < b) spans.push({ a, b, severity: f.severity, kind: f.kind });
      }
    }
  }
  if (!spans.length) return textBlock(text, lang);
  spans.sort((x, y) => x.a - y.a || x.b - y.b);
  const joined = [];
  for (const s of spans) {
    const last = joined[joined.length - 1];
    if (last && s.a <= last.b) {
      last.b = Math.max(last.b, s.b);
      if (SEVERITY[s.severity] > SEVERITY[last.severity]) last.severity = s.severity;
      if (!last.kinds.includes(s.kind)) last.kinds.push(s.kind);
    } else joined.push({ a: s.a, b: s.b, severity: s.severity, kinds: [s.kind] });
  }
  const block = el('bdi', { class: 't', dir: dirOf(lang), lang });
  let at = 0;
  for (const s of joined) {
    if (s.a > at) block.append(document.createTextNode(text.slice(at, s.a)));
    block.append(el('mark', { class: 'finding ' + s.severity, title: s.kinds.join(', '), text: text.slice(s.a, s.b) }));
    at = s.b;
  }
  if (at < text.length) block.append(document.createTextNode(text.slice(at)));
  return block;
}

function findingItem(f) {
  return el('li', { class: 'finding' },
    el('span', { class: 'sev ' + f.severity, text: f.severity }), ' ',
    el('span', { class: 'kind', text: f.kind }), ' ',
    el('bdi', { class: 'message', text: f.message }));
}

function worst(findings) {
  let w = null;
  for (const f of findings || []) if (w === null || SEVERITY[f.severity] > SEVERITY[w]) w = f.severity;
  return w;
}

// ----------------------------------------------------------------------------------------
// views

async function route() {
  const hash = decodeURIComponent(location.hash.replace(/^#\/?/, ''));
  if (hash.startsWith('doc/')) return openDocument(hash.slice(4));
  return showDocuments();
}

async function showDocuments() {
  state.doc = null;
  state.units = [];
  state.selected = -1;
  $('#panel').hidden = true;
  $('#crumb').replaceChildren(el('span', { text: 'Documents' }));
  const main = $('#main');
  let docs;
  try { docs = await api('GET', '/documents'); } catch (e) { return failed(e); }
  const head = el('tr', {}, ...['Document', 'Languages', 'Pairs', 'Draft', 'Reviewed', 'Approved', 'Rejected', 'Score under 0.5', 'QA findings']
    .map((h) => el('th', { text: h, scope: 'col' })));
  const rows = docs.map((d) => el('tr', { class: 'document' },
    el('td', {}, el('a', { href: '#/doc/' + encodeURIComponent(d.name) }, el('bdi', { text: d.name }))),
    el('td', { text: d.source_lang + ' → ' + d.target_lang }),
    el('td', { class: 'num', text: d.units }),
    el('td', { class: 'num', text: d.statuses.draft }),
    el('td', { class: 'num', text: d.statuses.reviewed }),
    el('td', { class: 'num', text: d.statuses.approved }),
    el('td', { class: 'num', text: d.statuses.rejected }),
    el('td', { class: 'num', text: d.low_score }),
    qaCell(d.findings),
  ));
  let qa = null;
  try { qa = await api('GET', '/check/state'); } catch (_) { qa = null; }
  state.qa = qa;
  main.replaceChildren(
    el('h1', { text: 'Documents' }),
    docs.length ? el('table', { id: 'documents' }, el('thead', {}, head), el('tbody', {}, ...rows))
      : el('p', { class: 'quiet', text: 'The memory holds no document yet: store one with bitext align.' }),
    qaLine(qa));
  if (qa && !qa.current) watchQa(() => { if (!state.doc) showDocuments(); });
}

/// A document's QA findings: the pairs with some, and by their worst finding's severity.
function qaCell(f) {
  if (f === null || f === undefined) return el('td', { class: 'num quiet', title: 'the QA check of the memory is running', text: 'checking…' });
  const parts = ['error', 'warning', 'info'].filter((k) => f[k]).map((k) => f[k] + ' ' + k);
  return el('td', { class: 'num', title: parts.length ? 'pairs by their worst finding: ' + parts.join(', ') : 'no finding' },
    String(f.pairs), f.error ? el('span', { class: 'sev error small', text: f.error + ' error' + (f.error === 1 ? '' : 's') }) : null);
}

/// One line on the state of the QA check: when it ran, what it could not judge.
function qaLine(qa) {
  if (!qa) return null;
  let text;
  if (qa.error) text = 'QA check failed: ' + qa.error;
  else if (!qa.checked_at) text = 'QA check of the memory running…';
  else text = 'QA findings as checked at ' + qa.checked_at + (qa.current ? '' : ' (the memory changed since: checking again…)');
  const notes = qa.notes || [];
  if (!notes.length) return el('p', { class: 'quiet qa-line', id: 'qa-line', text });
  return el('details', { class: 'quiet qa-line', id: 'qa-line' },
    el('summary', { text: text + ' · ' + notes.length + (notes.length === 1 ? ' note' : ' notes') }),
    el('ul', {}, ...notes.map((n) => el('li', { class: 'qa-note', text: n }))));
}

/// Waits (one wait at a time) until the QA check is of the memory as it now is, then runs
/// `then`.
async function watchQa(then) {
  if (state.qaWatch) return;
  state.qaWatch = true;
  try {
    for (let tries = 0; tries < 40; tries++) {
      const qa = await api('GET', '/check/state?wait=30');
      if (qa.current || qa.error) { state.qa = qa; break; }
    }
  } catch (_) {
    // the next load tries again
  } finally {
    state.qaWatch = false;
  }
  then();
}

async function openDocument(name) {
  let docs;
  try { docs = await api('GET', '/documents'); } catch (e) { return failed(e); }
  const doc = docs.find((d) => d.name === name);
  if (!doc) return say('no document named ' + name, 'error');
  state.doc = doc;
  $('#crumb').replaceChildren(el('a', { href: '#/', text: 'Documents' }), ' / ', el('bdi', { text: doc.name }));
  renderDocumentShell();
  await load(true);
}

function renderDocumentShell() {
  const f = state.filters;
  const statusSelect = el('select', { id: 'filter-status', 'aria-label': 'Status' },
    ...['', 'draft', 'reviewed', 'approved', 'rejected'].map((s) => el('option', { value: s, text: s || 'any status', selected: s === f.status })));
  const maxScore = el('input', { id: 'filter-max-score', type: 'number', min: '0', max: '1', step: '0.05', value: f.max_score, placeholder: '1.0' });
  const search = el('input', { id: 'filter-q', type: 'search', value: f.q, placeholder: 'words or "a phrase"', 'aria-label': 'Text search' });
  const attention = el('input', { id: 'filter-attention', type: 'checkbox', checked: f.attention });
  const flagged = el('input', { id: 'filter-flagged', type: 'checkbox', checked: f.flagged });
  const apply = () => {
    f.status = statusSelect.value;
    f.max_score = maxScore.value.trim();
    f.q = search.value.trim();
    f.attention = attention.checked;
    f.flagged = flagged.checked;
    load(true);
  };
  for (const c of [statusSelect, maxScore, attention, flagged]) c.addEventListener('change', apply);
  search.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); apply(); search.blur(); } });
  const bulkMin = el('input', { id: 'bulk-min', type: 'number', min: '0', max: '1', step: '0.05', value: state.bulkMin, 'aria-label': 'Lowest score to approve' });
  bulkMin.addEventListener('change', () => { state.bulkMin = bulkMin.value; });
  const writable = !(state.info && state.info.read_only);
  const toolbar = el('div', { class: 'toolbar', role: 'search' },
    el('label', {}, 'Status ', statusSelect),
    el('label', {}, 'Score below ', maxScore),
    el('label', { title: 'only the pairs the QA checks found something in (key f goes to the next one)' }, flagged, ' Flagged by QA only'),
    el('label', {}, 'Search ', search),
    el('label', { title: 'pairs with an error finding first, then the lowest score' }, attention, ' Needs attention first'),
    writable ? el('span', {},
      el('button', { id: 'bulk-approve', type: 'button', onclick: bulkApprove }, 'Approve every pair shown with score ≥'), ' ', bulkMin, ' and no QA finding') : null,
    writable ? el('button', { id: 'realign', type: 'button', onclick: realign }, 'Re-align around reviewed pairs') : null,
  );
  const [left, right] = columns();
  const label = (c) => (c.lang === 'ar' ? 'Arabic' : c.lang === 'en' ? 'English' : c.lang) + ' (' + c.side + ')';
  const table = el('table', { id: 'pairs' },
    el('thead', {}, el('tr', {},
      el('th', { scope: 'col', text: 'Pair' }),
      el('th', { scope: 'col', lang: left.lang, text: label(left) }),
      el('th', { scope: 'col', lang: right.lang, text: label(right) }))),
    el('tbody', { id: 'pair-rows' }));
  const more = el('div', { class: 'more', id: 'more' },
    el('button', { type: 'button', id: 'load-more', onclick: () => load(false) }, 'Load more pairs'));
  $('#main').replaceChildren(toolbar, el('p', { id: 'count', class: 'quiet' }), el('div', { id: 'qa-box' }), table, more);
  new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting) && state.more && !state.loading) load(false);
  }, { rootMargin: '600px' }).observe(more);
}

function selectionParams() {
  const f = state.filters;
  const p = {};
  if (f.status) p.status = f.status;
  if (f.max_score !== '') p.max_score = f.max_score;
  if (f.q) p.q = f.q;
  if (f.attention) p.sort = 'attention';
  if (f.flagged) p.flagged = 'true';
  return p;
}

/// Loads pairs: from the start (`fresh`) or the next page. A fresh load keeps at least as
/// many pairs as were shown, so the selection stays where it was.
async function load(fresh, keep) {
  if (!state.doc || state.loading) return;
  state.loading = true;
  const params = selectionParams();
  params.offset = fresh ? 0 : state.units.length;
  params.limit = fresh ? Math.min(1000, Math.max(PAGE, keep || 0)) : PAGE;
  const path = '/documents/' + encodeURIComponent(state.doc.name) + '/units?' + new URLSearchParams(params);
  try {
    const page = await api('GET', path);
    state.units = fresh ? page.units : state.units.concat(page.units);
    state.more = page.more;
    state.total = page.total;
    state.qa = page.qa;
    if (fresh) {
      state.selected = state.units.length ? Math.min(Math.max(state.selected, 0), state.units.length - 1) : -1;
    }
    renderRows(fresh ? 0 : state.units.length - page.units.length);
    if (fresh && !keep) say('');
  } catch (e) {
    if (fresh) { state.units = []; state.more = false; renderRows(0); }
    failed(e);
  } finally {
    state.loading = false;
  }
  if (fresh) select(state.selected, true);
  checkLater();
  // the observer only reports changes: when the end is still in sight, go on loading
  if (state.more && nearEnd()) requestAnimationFrame(() => load(false));
}

/// When the QA check is not of the memory as it now is, waits for one and then refreshes the
/// findings of the pairs shown.
function checkLater() {
  if (state.qa && !state.qa.current && state.doc) {
    const doc = state.doc;
    watchQa(() => { if (state.doc === doc) refreshFindings(); });
  }
}

/// Fetches the pairs shown again, 1000 at a time, and redraws those whose findings or revision
/// changed — but not one being edited, and without adding or removing rows.
async function refreshFindings() {
  const doc = state.doc;
  if (!doc || !state.units.length) return;
  const shown = state.units.length;
  const index = new Map(state.units.map((u, i) => [u.id, i]));
  for (let offset = 0; offset < shown; offset += 1000) {
    const params = selectionParams();
    params.offset = offset;
    params.limit = Math.min(1000, shown - offset);
    let page;
    try {
      page = await api('GET', '/documents/' + encodeURIComponent(doc.name) + '/units?' + new URLSearchParams(params));
    } catch (_) { return; }
    if (state.doc !== doc) return;
    state.qa = page.qa;
    for (const u of page.units) {
      const i = index.get(u.id);
      if (i === undefined || !state.units[i] || state.units[i].id !== u.id) continue;
      const old = state.units[i];
      if (old.revision === u.revision && JSON.stringify(old.findings) === JSON.stringify(u.findings)) continue;
      const row = rowAt(i);
      if (row && row.querySelector('textarea, input')) continue;
      replaceUnit(u);
    }
  }
  showQaState();
  checkLater();
}

function showQaState() {
  const box = $('#qa-box');
  if (box) box.replaceChildren(...[qaLine(state.qa)].filter(Boolean));
}

function nearEnd() {
  const more = $('#more');
  return !!more && more.getBoundingClientRect().top < window.innerHeight + 600;
}

function renderRows(from) {
  const body = $('#pair-rows');
  if (!body) return;
  if (from === 0) body.replaceChildren();
  for (let i = from; i < state.units.length; i++) body.append(...pairRows(state.units[i], i));
  showQaState();
  const total = state.total !== null && state.total !== undefined ? state.total
    : (state.more ? null : state.units.length);
  $('#count').textContent = state.units.length + (total !== null && total !== state.units.length ? ' of ' + total : '')
    + (state.units.length === 1 ? ' pair' : ' pairs') + ' shown' + (state.more ? ' (more load as you scroll)' : '');
  $('#more').hidden = !state.more;
}

/// A pair's row and, when it has findings, the row of its findings under its texts.
function pairRows(u, i) {
  const [left, right] = columns();
  const source = columns().find((c) => c.side === 'source');
  const target = columns().find((c) => c.side === 'target');
  const sev = worst(u.findings);
  // a pair changed since the latest check (before the first check ends, the QA line says so)
  const unchecked = u.findings === null && !!(state.qa && state.qa.checked_at);
  const meta = el('td', { class: 'meta' },
    el('div', {}, el('span', { class: 'id', text: '#' + u.id }), ' ',
      el('span', { class: 'sentences', title: 'sentence numbers (' + source.lang + ' → ' + target.lang + '), from 0', text: rangeLabel(u.source_sentences) + ' → ' + rangeLabel(u.target_sentences) })),
    el('div', {}, scoreBadge(u.score), ' ', el('span', { class: 'status ' + u.status, text: u.status })),
    unchecked ? el('div', { class: 'qa-pending quiet', title: 'the QA check has not seen this pair as it now is yet', text: 'QA: checking…' }) : null,
    u.note ? el('bdi', { class: 'note', dir: 'auto', text: u.note }) : null);
  const cell = (c) => el('td', { class: 'text ' + c.side, dir: dirOf(c.lang), lang: c.lang }, markedBlock(u[c.side], c.lang, u.findings, c.side));
  const selected = i === state.selected ? ' selected' : '';
  const row = el('tr', { class: 'pair' + selected + (sev ? ' flagged has-findings ' + sev : ''), 'data-id': u.id, 'data-index': i },
    meta, cell(left), cell(right));
  const rows = [row];
  if (u.findings && u.findings.length) {
    rows.push(el('tr', { class: 'findings' + selected, 'data-for': u.id },
      el('td', { class: 'meta' }),
      el('td', { colspan: '2' }, el('ul', { class: 'findings', 'aria-label': 'QA findings of #' + u.id }, ...u.findings.map(findingItem)))));
  }
  for (const r of rows) {
    r.addEventListener('click', (e) => {
      if (e.target.closest('textarea, input, button')) return;
      select(i);
    });
  }
  return rows;
}

function rowAt(i) {
  return document.querySelector('#pair-rows tr.pair[data-index="' + i + '"]');
}

/// The row of findings under a pair's row, if it has one.
function findingsRowOf(row) {
  const next = row && row.nextElementSibling;
  return next && next.classList.contains('findings') ? next : null;
}

function replaceUnit(u) {
  const i = state.units.findIndex((x) => x.id === u.id);
  if (i < 0) return;
  state.units[i] = u;
  const old = rowAt(i);
  if (old) {
    const oldFindings = findingsRowOf(old);
    if (oldFindings) oldFindings.remove();
    old.replaceWith(...pairRows(u, i));
  }
  if (i === state.selected) renderPanel();
}

function select(i, quiet) {
  if (i < 0 || i >= state.units.length) {
    if (state.units.length === 0) { state.selected = -1; $('#panel').hidden = true; }
    return;
  }
  const old = rowAt(state.selected);
  if (old) {
    old.classList.remove('selected');
    const f = findingsRowOf(old);
    if (f) f.classList.remove('selected');
  }
  state.selected = i;
  const row = rowAt(i);
  if (row) {
    row.classList.add('selected');
    const f = findingsRowOf(row);
    if (f) f.classList.add('selected');
    if (!quiet || i > 0) {
      const f = findingsRowOf(row);
      if (f) f.scrollIntoView({ block: 'nearest' });
      row.scrollIntoView({ block: 'nearest' });
    }
  }
  renderPanel();
  if (i >= state.units.length - 5 && state.more) load(false);
}

function current() {
  return state.units[state.selected];
}

// ----------------------------------------------------------------------------------------
// the side panel: actions, similar pairs, history

function renderPanel() {
  const u = current();
  const panel = $('#panel');
  if (!u) { panel.hidden = true; return; }
  panel.hidden = false;
  const writable = !(state.info && state.info.read_only);
  const b = (id, text, key, fn) => el('button', { type: 'button', id, title: key ? 'key: ' + key : null, onclick: fn }, text, key ? el('kbd', { text: key }) : null);
  const [left, right] = columns();
  const name = (c) => (c.lang === 'ar' ? 'Arabic' : 'English');
  const actions = writable ? [
    el('div', { class: 'actions' },
      b('act-approve', 'Approve ', 'a', () => setStatus('approved')),
      b('act-reviewed', 'Reviewed ', 'v', () => setStatus('reviewed')),
      b('act-reject', 'Reject ', 'r', () => setStatus('rejected')),
      b('act-draft', 'Draft ', 'd', () => setStatus('draft'))),
    el('div', { class: 'actions' },
      b('act-edit-' + left.side, 'Edit ' + name(left) + ' ', left.lang === 'ar' ? 'E' : 'e', () => startEdit(left.side)),
      b('act-edit-' + right.side, 'Edit ' + name(right) + ' ', right.lang === 'ar' ? 'E' : 'e', () => startEdit(right.side)),
      b('act-note', 'Note ', 'n', startNote)),
    el('div', { class: 'actions' },
      b('act-split', 'Split ', 's', startSplit),
      b('act-merge', 'Merge with next ', 'm', mergeNext),
      b('act-delete', 'Delete pair', null, deletePair),
      b('act-undo', 'Undo last change ', 'u', undo)),
    el('div', { class: 'actions' },
      ...['target', 'source'].flatMap((side) => {
        const c = columns().find((x) => x.side === side);
        const keys = c.lang === 'ar' ? ['{', '}'] : ['[', ']'];
        return [
          b('act-move-' + side + '-previous', name(c) + ': first sentence to previous ', keys[0], () => moveSentence(side, 'previous')),
          b('act-move-' + side + '-next', name(c) + ': last sentence to next ', keys[1], () => moveSentence(side, 'next')),
        ];
      })),
  ] : [el('p', { class: 'quiet', text: 'Read-only: this server refuses changes.' })];
  const findings = u.findings === null
    ? el('p', { class: 'quiet', text: 'The QA check has not seen this pair as it now is yet.' })
    : u.findings.length
      ? el('ul', { class: 'findings', id: 'panel-findings' }, ...u.findings.map(findingItem))
      : el('p', { class: 'quiet', text: 'No QA finding.' });
  panel.replaceChildren(
    el('h2', { text: 'Pair #' + u.id }),
    el('p', { class: 'quiet', text: 'changed ' + u.changed + ' by ' + u.changed_by }),
    findings,
    ...actions,
    el('h3', { text: 'Similar pairs in the memory' }),
    el('div', { id: 'similar', class: 'quiet', text: 'Looking…' }),
    el('h3', { text: 'History of this pair' }),
    el('ul', { id: 'pair-history', class: 'history quiet' }));
  clearTimeout(state.similarTimer);
  const id = u.id;
  state.similarTimer = setTimeout(() => loadSide(id), 120);
}

async function loadSide(id) {
  try {
    const matches = await api('GET', '/units/' + id + '/similar?limit=5');
    if (!current() || current().id !== id) return;
    const box = $('#similar');
    box.className = '';
    if (!matches.length) {
      box.className = 'quiet';
      box.textContent = 'No similar pair (50% or more) elsewhere in the memory.';
    } else {
      box.replaceChildren(...matches.map(similarMatch));
    }
    const changes = await api('GET', '/history?limit=10&unit=' + id);
    if (!current() || current().id !== id) return;
    $('#pair-history').replaceChildren(...(changes.length ? changes.map((c) =>
      el('li', {}, el('bdi', { text: c.at + ' ' + c.user + ': ' + c.summary + (c.undone_by ? ' (undone)' : '') })))
      : [el('li', { text: 'not changed since it was aligned' })]));
  } catch (e) {
    const box = $('#similar');
    if (box) box.textContent = e.message;
  }
}

function similarMatch(m) {
  const matchedLang = m.matched === 'source' ? langOf(state.doc.source_lang) : langOf(state.doc.target_lang);
  const otherSide = m.matched === 'source' ? 'target' : 'source';
  const otherLang = m.matched === 'source' ? langOf(state.doc.target_lang) : langOf(state.doc.source_lang);
  const marked = el('bdi', { class: 't', dir: dirOf(matchedLang), lang: matchedLang },
    ...m.marked.map((p) => (p.differs ? el('mark', { class: 'differs', text: p.text }) : document.createTextNode(p.text))));
  return el('div', { class: 'match' },
    el('div', {}, el('span', { class: 'pct', text: m.score + '%' }), m.normalised ? ' (normalised)' : '', ' #' + m.id + ' ',
      el('bdi', { text: m.document }), ' ', el('span', { class: 'status ' + m.status, text: m.status })),
    el('div', { dir: dirOf(matchedLang), lang: matchedLang }, marked),
    el('div', { dir: dirOf(otherLang), lang: otherLang }, textBlock(m[otherSide], otherLang)),
    m.numbers && m.numbers.length ? el('div', { class: 'numbers', title: 'this pair\'s number → the match\'s (placeables: swapped in without retranslating)' },
      'numbers: ', ...m.numbers.flatMap((n, k) => [k ? ', ' : '',
        el('bdi', { text: n.text === null ? '–' : n.text }), ' → ', el('bdi', { text: n.match === null ? '–' : n.match })])) : null,
    m.only_in_text.length ? el('div', { class: 'quiet' }, 'not in the match: ', el('bdi', { text: m.only_in_text.join(' ') })) : null,
    m.only_in_match.length ? el('div', { class: 'quiet' }, 'only in the match: ', el('bdi', { text: m.only_in_match.join(' ') })) : null);
}

// ----------------------------------------------------------------------------------------
// actions

/// Runs a change; on a stale revision (409) shows the pair as it now is.
async function change(method, path, body, after) {
  try {
    const reply = await api(method, path, body);
    // said once the page shows the change, so that what is said is what is seen; `after`
    // may return what to say instead
    let said;
    if (after) said = await after(reply); else for (const u of reply.units) replaceUnit(u);
    say(said || (reply.change ? 'Change ' + reply.change.id + ': ' + reply.change.summary : 'Done'), 'ok');
    // the memory changed: its findings are checked again
    if (state.qa) state.qa = Object.assign({}, state.qa, { current: false });
    checkLater();
    return reply;
  } catch (e) {
    if (e.status === 409 && e.unit) replaceUnit(e.unit);
    failed(e);
    return null;
  }
}

function setStatus(status) {
  const u = current();
  if (!u) return;
  if (u.status === status) return say('#' + u.id + ' is already ' + status, 'ok');
  change('PATCH', '/units/' + u.id, { revision: u.revision, status });
}

function startEdit(side) {
  const u = current();
  if (!u || document.querySelector('textarea.editing')) return;
  const row = rowAt(state.selected);
  const cell = row && row.querySelector('td.text.' + side);
  if (!cell) return;
  const lang = cell.getAttribute('lang');
  const box = el('textarea', { class: 'editing', dir: dirOf(lang), lang, 'aria-label': 'Edit the ' + side });
  box.value = u[side];
  cell.replaceChildren(box);
  box.focus();
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { e.preventDefault(); replaceUnit(u); say('Edit cancelled'); }
    else if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      if (box.value === u[side]) { replaceUnit(u); return; }
      const body = { revision: u.revision };
      body[side] = box.value;
      change('PATCH', '/units/' + u.id, body);
    }
  });
}

function startNote() {
  const u = current();
  if (!u || document.querySelector('input.note-edit')) return;
  const meta = rowAt(state.selected).querySelector('td.meta');
  const input = el('input', { class: 'note-edit', type: 'text', dir: 'auto', 'aria-label': 'Note', placeholder: 'note (empty removes it)' });
  input.value = u.note || '';
  meta.append(input);
  input.focus();
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { e.preventDefault(); replaceUnit(u); }
    else if (e.key === 'Enter') {
      e.preventDefault();
      if (input.value === (u.note || '')) { replaceUnit(u); return; }
      change('PATCH', '/units/' + u.id, { revision: u.revision, note: input.value });
    }
  });
}

async function startSplit() {
  const u = current();
  if (!u) return;
  let sentences;
  try { sentences = await api('GET', '/units/' + u.id + '/sentences'); } catch (e) { return failed(e); }
  const sides = $('#split-sides');
  sides.replaceChildren();
  for (const c of columns()) {
    const list = sentences[c.side];
    const name = 'split-' + c.side;
    const keep = Math.min(1, list.length);
    const options = [];
    for (let k = 0; k <= list.length; k++) {
      const label = k === 0 ? 'none stay (all move to the new pair)'
        : k === list.length ? 'all ' + k + ' stay' : 'the first ' + k + ' stay';
      options.push(el('label', { class: 'cut' }, el('input', { type: 'radio', name, value: k, checked: k === keep }), ' ' + label));
    }
    sides.append(el('fieldset', { class: 'split-side' },
      el('legend', { text: (c.lang === 'ar' ? 'Arabic' : 'English') + ' (' + c.side + '): ' + list.length + ' sentence' + (list.length === 1 ? '' : 's') }),
      el('ol', { start: '1' }, ...list.map((s) => el('li', {}, textBlock(s, c.lang)))),
      el('div', {}, ...options)));
  }
  const dialog = $('#split-dialog');
  dialog.returnValue = '';
  dialog.showModal();
  const ok = $('#split-ok');
  ok.focus();
}

async function finishSplit() {
  const u = current();
  const value = (side) => Number((document.querySelector('input[name="split-' + side + '"]:checked') || {}).value);
  const body = { revision: u.revision, source_at: value('source'), target_at: value('target') };
  await change('POST', '/units/' + u.id + '/split', body, () => reload());
}

function mergeNext() {
  const u = current();
  const next = state.units[state.selected + 1];
  if (!u) return;
  if (!next) return say('#' + u.id + ' is the last pair shown: nothing to merge it with', 'error');
  change('POST', '/units/' + u.id + '/merge', { revision: u.revision, with: next.id, with_revision: next.revision }, () => reload());
}

function moveSentence(side, direction) {
  const u = current();
  if (!u) return;
  change('POST', '/units/' + u.id + '/move', { revision: u.revision, side, direction }, () => reload());
}

function deletePair() {
  const u = current();
  if (!u) return;
  change('DELETE', '/units/' + u.id + '?revision=' + encodeURIComponent(u.revision), undefined, () => reload());
}

function undo() {
  change('POST', '/undo', {}, async (reply) => {
    await reload();
    return 'Undone: ' + reply.change.summary;
  });
}

function bulkApprove() {
  const min = state.bulkMin;
  const selection = selectionParams();
  delete selection.sort;
  if (min !== '') selection.min_score = Number(min);
  if (selection.max_score !== undefined) selection.max_score = Number(selection.max_score);
  selection.flagged = false;
  const shown = 'pair shown' + (min !== '' ? ' with score ≥ ' + min : '') + ' and no QA finding';
  say('Approving every ' + shown + '…');
  change('POST', '/documents/' + encodeURIComponent(state.doc.name) + '/bulk', { status: 'approved', selection }, async (r) => {
    await reload();
    return bulkSummary(r, shown);
  });
}

/// What a bulk approval did, in one line: how many approved, how many skipped and why.
function bulkSummary(r, shown) {
  const pairs = (n) => n + (n === 1 ? ' pair' : ' pairs');
  const approved = r.selected - r.skipped;
  const why = [];
  if (r.skipped) why.push(pairs(r.skipped) + ' already approved');
  if (r.with_findings) why.push(pairs(r.with_findings) + ' with QA findings');
  if (r.unchecked) why.push(pairs(r.unchecked) + ' not checked yet');
  const skipped = why.length ? '; skipped: ' + why.join(', ') : '';
  if (!r.change) {
    return 'Nothing changed: ' + (r.selected ? 'every ' + shown + ' is already approved' : 'no ' + shown) + skipped + '.';
  }
  return 'Approved ' + pairs(approved) + ' (change ' + r.change.id + ')' + skipped + '.';
}

function realign() {
  change('POST', '/documents/' + encodeURIComponent(state.doc.name) + '/realign', {}, () => reload());
}

/// Reloads the pairs shown (after a change that adds, removes or moves pairs).
async function reload() {
  await load(true, state.units.length);
}

// ----------------------------------------------------------------------------------------
// the keyboard

/// Every key of the page: what runs it and what the help (?) says — one table, so the help
/// lists exactly the keys there are. `writes`: refused on a read-only server.
function english() { return columns().find((c) => c.lang !== 'ar') || columns()[1]; }
function arabic() { return columns().find((c) => c.lang === 'ar') || columns()[0]; }
const KEYS = [
  { keys: ['j', 'ArrowDown'], help: 'next pair', run: () => select(state.selected + 1) },
  { keys: ['k', 'ArrowUp'], help: 'previous pair', run: () => select(state.selected - 1) },
  { keys: ['f'], help: 'next pair flagged by QA', run: () => selectFlagged(1) },
  { keys: ['F'], help: 'previous pair flagged by QA', run: () => selectFlagged(-1) },
  { keys: ['a'], help: 'approve', writes: true, run: () => setStatus('approved') },
  { keys: ['v'], help: 'mark reviewed', writes: true, run: () => setStatus('reviewed') },
  { keys: ['r'], help: 'reject', writes: true, run: () => setStatus('rejected') },
  { keys: ['d'], help: 'back to draft', writes: true, run: () => setStatus('draft') },
  { keys: ['e'], help: 'edit the English inline (Enter saves, Shift+Enter new line, Esc cancels)', writes: true, run: () => startEdit(english().side) },
  { keys: ['E'], help: 'edit the Arabic inline', writes: true, run: () => startEdit(arabic().side) },
  { keys: ['n'], help: 'note (Enter saves, an empty note removes it)', writes: true, run: () => startNote() },
  { keys: ['s'], help: 'split: choose how many sentences of each side stay', writes: true, run: () => startSplit() },
  { keys: ['m'], help: 'merge with the next pair', writes: true, run: () => mergeNext() },
  { keys: ['['], help: 'move the English\'s first sentence to the previous pair', writes: true, run: () => moveSentence(english().side, 'previous') },
  { keys: [']'], help: 'move the English\'s last sentence to the next pair', writes: true, run: () => moveSentence(english().side, 'next') },
  { keys: ['{'], help: 'move the Arabic\'s first sentence to the previous pair', writes: true, run: () => moveSentence(arabic().side, 'previous') },
  { keys: ['}'], help: 'move the Arabic\'s last sentence to the next pair', writes: true, run: () => moveSentence(arabic().side, 'next') },
  { keys: ['u'], help: 'undo the last change', writes: true, run: () => undo() },
  { keys: ['/'], help: 'search the text', run: () => $('#filter-q') && $('#filter-q').focus() },
  { keys: ['?'], help: 'this list (Esc closes)', anywhere: true, run: () => $('#help').showModal() },
];

const KEY_NAMES = { ArrowDown: '↓', ArrowUp: '↑' };

function renderHelp() {
  const readOnly = state.info && state.info.read_only;
  $('#help-keys').replaceChildren(...KEYS.map((k) => el('tr', { class: k.writes && readOnly ? 'quiet' : null },
    el('th', {}, ...k.keys.flatMap((key, n) => [n ? ' ' : '', el('kbd', { text: KEY_NAMES[key] || key })])),
    el('td', { text: k.help + (k.writes && readOnly ? ' (not on this read-only server)' : '') }))));
}

/// Selects the next (or previous) pair shown that has findings.
function selectFlagged(step) {
  for (let i = state.selected + step; i >= 0 && i < state.units.length; i += step) {
    if (state.units[i].findings && state.units[i].findings.length) return select(i);
  }
  say('No pair flagged by QA ' + (step > 0 ? 'after' : 'before') + ' this one' + (step > 0 && state.more ? ' among those loaded' : ''), 'ok');
}

function onKey(e) {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const typing = e.target.closest && e.target.closest('input, textarea, select, dialog');
  if (typing) return;
  const key = KEYS.find((k) => k.keys.includes(e.key));
  if (!key || (!state.doc && !key.anywhere)) return;
  if (key.writes && state.info && state.info.read_only) return say('Read-only: this server refuses changes.', 'error');
  e.preventDefault();
  key.run();
}

// ----------------------------------------------------------------------------------------
// start

async function start() {
  state.token = readToken();
  $('#help-button').addEventListener('click', () => $('#help').showModal());
  $('#split-form').addEventListener('submit', () => { finishSplit(); });
  $('#split-cancel').addEventListener('click', () => $('#split-dialog').close());
  document.addEventListener('keydown', onKey);
  renderHelp();
  window.addEventListener('hashchange', route);
  if (!state.token) {
    say('No token: open the URL that bitext serve printed (it ends with #token=…).', 'error');
    $('#main').replaceChildren();
    return;
  }
  try {
    state.info = await api('GET', '/info');
  } catch (e) {
    $('#main').replaceChildren();
    return failed(e);
  }
  $('#who').textContent = (state.info.read_only ? 'read-only · ' : '') + 'changes recorded as ' + state.info.user;
  renderHelp();
  await route();
  document.body.dataset.ready = 'true';
}

start();
