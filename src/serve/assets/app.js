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
    el('td', { class: 'num', title: d.findings === null ? 'QA checks are not available yet' : null, text: d.findings === null ? '–' : d.findings }),
  ));
  main.replaceChildren(
    el('h1', { text: 'Documents' }),
    docs.length ? el('table', { id: 'documents' }, el('thead', {}, head), el('tbody', {}, ...rows))
      : el('p', { class: 'quiet', text: 'The memory holds no document yet: store one with bitext align.' }));
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
    el('label', {}, flagged, ' QA findings only'),
    el('label', {}, 'Search ', search),
    el('label', {}, attention, ' Needs attention first'),
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
  $('#main').replaceChildren(toolbar, el('p', { id: 'count', class: 'quiet' }), table, more);
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
  // the observer only reports changes: when the end is still in sight, go on loading
  if (state.more && nearEnd()) requestAnimationFrame(() => load(false));
}

function nearEnd() {
  const more = $('#more');
  return !!more && more.getBoundingClientRect().top < window.innerHeight + 600;
}

function renderRows(from) {
  const body = $('#pair-rows');
  if (!body) return;
  if (from === 0) body.replaceChildren();
  for (let i = from; i < state.units.length; i++) body.append(pairRow(state.units[i], i));
  const total = state.total !== null && state.total !== undefined ? state.total
    : (state.more ? null : state.units.length);
  $('#count').textContent = state.units.length + (total !== null && total !== state.units.length ? ' of ' + total : '')
    + (state.units.length === 1 ? ' pair' : ' pairs') + ' shown' + (state.more ? ' (more load as you scroll)' : '');
  $('#more').hidden = !state.more;
}

function pairRow(u, i) {
  const [left, right] = columns();
  const source = columns().find((c) => c.side === 'source');
  const target = columns().find((c) => c.side === 'target');
  const meta = el('td', { class: 'meta' },
    el('div', {}, el('span', { class: 'id', text: '#' + u.id }), ' ',
      el('span', { class: 'sentences', title: 'sentence numbers (' + source.lang + ' → ' + target.lang + '), from 0', text: rangeLabel(u.source_sentences) + ' → ' + rangeLabel(u.target_sentences) })),
    el('div', {}, scoreBadge(u.score), ' ', el('span', { class: 'status ' + u.status, text: u.status })),
    u.note ? el('bdi', { class: 'note', dir: 'auto', text: u.note }) : null);
  const cell = (c) => el('td', { class: 'text ' + c.side, dir: dirOf(c.lang), lang: c.lang }, textBlock(u[c.side], c.lang));
  const row = el('tr', { class: 'pair' + (i === state.selected ? ' selected' : ''), 'data-id': u.id, 'data-index': i },
    meta, cell(left), cell(right));
  row.addEventListener('click', (e) => {
    if (e.target.closest('textarea, input, button')) return;
    select(i);
  });
  return row;
}

function rowAt(i) {
  return document.querySelector('#pair-rows tr[data-index="' + i + '"]');
}

function replaceUnit(u) {
  const i = state.units.findIndex((x) => x.id === u.id);
  if (i < 0) return;
  state.units[i] = u;
  const old = rowAt(i);
  if (old) old.replaceWith(pairRow(u, i));
  if (i === state.selected) renderPanel();
}

function select(i, quiet) {
  if (i < 0 || i >= state.units.length) {
    if (state.units.length === 0) { state.selected = -1; $('#panel').hidden = true; }
    return;
  }
  const old = rowAt(state.selected);
  if (old) old.classList.remove('selected');
  state.selected = i;
  const row = rowAt(i);
  if (row) {
    row.classList.add('selected');
    if (!quiet || i > 0) row.scrollIntoView({ block: 'nearest' });
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
  panel.replaceChildren(
    el('h2', { text: 'Pair #' + u.id }),
    el('p', { class: 'quiet', text: 'changed ' + u.changed + ' by ' + u.changed_by }),
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
    m.only_in_text.length ? el('div', { class: 'quiet' }, 'not in the match: ', el('bdi', { text: m.only_in_text.join(' ') })) : null);
}

// ----------------------------------------------------------------------------------------
// actions

/// Runs a change; on a stale revision (409) shows the pair as it now is.
async function change(method, path, body, after) {
  try {
    const reply = await api(method, path, body);
    say(reply.change ? 'Change ' + reply.change.id + ': ' + reply.change.summary : 'Done', 'ok');
    if (after) await after(reply); else for (const u of reply.units) replaceUnit(u);
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
  change('POST', '/undo', {}, (reply) => {
    say('Undone: ' + reply.change.summary, 'ok');
    return reload();
  });
}

function bulkApprove() {
  const min = state.bulkMin;
  const selection = selectionParams();
  delete selection.sort;
  if (min !== '') selection.min_score = Number(min);
  if (selection.max_score !== undefined) selection.max_score = Number(selection.max_score);
  selection.flagged = false;
  change('POST', '/documents/' + encodeURIComponent(state.doc.name) + '/bulk', { status: 'approved', selection }, () => reload());
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

function onKey(e) {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const typing = e.target.closest && e.target.closest('input, textarea, select, dialog');
  if (typing) return;
  if (e.key === '?') { e.preventDefault(); $('#help').showModal(); return; }
  if (!state.doc) return;
  const keys = {
    j: () => select(state.selected + 1), ArrowDown: () => select(state.selected + 1),
    k: () => select(state.selected - 1), ArrowUp: () => select(state.selected - 1),
    '/': () => $('#filter-q').focus(),
  };
  const writable = !(state.info && state.info.read_only);
  if (writable) {
    const english = columns().find((c) => c.lang !== 'ar') || columns()[1];
    const arabic = columns().find((c) => c.lang === 'ar') || columns()[0];
    Object.assign(keys, {
      a: () => setStatus('approved'), v: () => setStatus('reviewed'),
      r: () => setStatus('rejected'), d: () => setStatus('draft'),
      e: () => startEdit(english.side), E: () => startEdit(arabic.side),
      n: startNote, s: startSplit, m: mergeNext, u: undo,
      '[': () => moveSentence(english.side, 'previous'), ']': () => moveSentence(english.side, 'next'),
      '{': () => moveSentence(arabic.side, 'previous'), '}': () => moveSentence(arabic.side, 'next'),
    });
  }
  const action = keys[e.key];
  if (action) { e.preventDefault(); action(); }
}

// ----------------------------------------------------------------------------------------
// start

async function start() {
  state.token = readToken();
  $('#help-button').addEventListener('click', () => $('#help').showModal());
  $('#split-form').addEventListener('submit', () => { finishSplit(); });
  $('#split-cancel').addEventListener('click', () => $('#split-dialog').close());
  document.addEventListener('keydown', onKey);
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
  await route();
  document.body.dataset.ready = 'true';
}

start();
