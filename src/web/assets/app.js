// The page of `lab web`: the exercise's steps (from ws/steps) beside one xterm.js terminal per node
// (ws/term?node=NAME). Plain ES module, no bundler: xterm.js is served from the server's node_modules. Its
// paths are relative to the page: `/` for a lone lab, `/lab/NAME/` for a student of a class.
// Whatever the server sends is shown as text (textContent), never as HTML.
import { backoff, el, openTerminal, wsUrl } from '/term.js';

const $ = (id) => document.getElementById(id);

/** For the tests and the curious: the sockets and terminals of the page. */
const dlab = {
  sockets: {},
  terminals: {},
  dropSockets: () => {
    for (const ws of Object.values(dlab.sockets)) ws.close();
  },
};
window.dlab = dlab;

function terminalFor(node) {
  const api = openTerminal($('terminals'), node, `ws/term?node=${encodeURIComponent(node)}`, {
    onSocket: (ws) => {
      dlab.sockets[node] = ws;
    },
  });
  dlab.terminals[node] = api;
  return api;
}

function render(v) {
  markSubjects(v.kind === 'step' ? v.subjects : []);
  document.body.dataset.view = v.kind;
  document.body.dataset.step = v.kind === 'step' ? String(v.number) : '';
  document.body.dataset.phase = v.kind === 'step' ? v.phase : '';
  document.body.dataset.checking = v.kind === 'step' && v.checking ? 'true' : 'false';
  $('where').textContent = v.kind === 'step' ? `${v.scenario}: step ${v.number} of ${v.total}${v.part === 'teardown' ? ' · teardown' : ''}` : v.scenario;
  $('title').textContent = v.kind === 'step' ? v.title : v.kind === 'done' ? `All ${v.total} steps are done.` : '';
  $('notice').textContent = v.notice ?? '';
  $('explain').textContent = v.kind === 'step' ? (v.explain ?? '') : '';
  $('status').textContent = v.kind === 'step' ? v.status.join('\n') : v.kind === 'error' ? `✗ ${v.message}` : (v.message ?? '');
  $('record').textContent = v.record ?? '';
  if (v.kind === 'choose') {
    $('where').textContent = 'docker-lab';
    $('title').textContent = 'Choose a lesson';
    $('status').textContent = '';
  }
  const blocks = $('commands');
  // Rebuilt only when they change: the view comes again at every check ("checking…"), and a button replaced
  // between a press and its release would lose the click.
  const key = JSON.stringify(v.kind === 'step' ? v.commands : v.kind === 'choose' ? v.scenarios : null);
  if (key === blocks.dataset.key) return renderButtons(v);
  blocks.dataset.key = key;
  blocks.replaceChildren();
  for (const b of v.kind === 'step' ? v.commands : []) {
    const block = el('div', { class: 'block' });
    const run = el('button', { class: 'cmd', type: 'button', title: `type it on ${b.nodes.join(' and ')}` }, b.text);
    run.addEventListener('click', () => {
      for (const node of b.nodes) dlab.terminals[node]?.type(b.text);
    });
    block.append(el('div', { class: 'on' }, `On ${b.nodes.join(' and ')}:`), run);
    blocks.append(block);
  }
  if (v.kind === 'choose') {
    for (const c of v.scenarios) {
      const block = el('div', { class: 'block lesson' });
      const go = el('button', { class: 'choose', type: 'button', 'data-scenario': c.name }, c.name);
      go.addEventListener('click', () => send({ type: 'choose', scenario: c.name }));
      block.append(go, el('div', { class: 'on' }, c.description));
      blocks.append(block);
    }
  }
  renderButtons(v);
}

function renderButtons(v) {
  const stepping = v.kind === 'step';
  $('enter').textContent = stepping && (v.phase === 'held-on-arrival' || v.verify === 'confirm') ? 'Go on (Enter)' : 'Check now (Enter)';
  for (const id of ['enter', 'solve', 'back']) $(id).disabled = !stepping || v.phase === 'running-solution';
}

/** The network as `lab graph` draws it, loaded again when the server says it changed. */
function showGraph(version) {
  $('graph').hidden = false;
  $('graph').dataset.version = String(version);
  $('graph-version').textContent = `(v${version})`;
  // Inline, not an <img>: the page marks in it what the step in hand names.
  fetch(`graph.svg?v=${version}`)
    .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`graph.svg: ${r.status}`))))
    .then((text) => {
      if (Number($('graph').dataset.version) !== version) return; // a newer drawing was asked for meanwhile
      const svg = new DOMParser().parseFromString(text, 'image/svg+xml').documentElement;
      $('graph-svg').replaceChildren(document.importNode(svg, true));
      markSubjects(subjects);
    })
    .catch(() => undefined); // the next version, or the next reconnect, draws it
}

/** The picture's classes of what the step in hand names (graph/subjects.ts on the server). */
let subjects = [];
function markSubjects(classes) {
  subjects = classes;
  for (const e of $('graph-svg').querySelectorAll('.subject')) e.classList.remove('subject');
  for (const c of classes) for (const e of $('graph-svg').getElementsByClassName(c)) e.classList.add('subject');
}

let steps = null;
let stepTries = 0;
function connectSteps() {
  steps = new WebSocket(wsUrl('ws/steps'));
  dlab.sockets.steps = steps;
  steps.onopen = () => {
    stepTries = 0;
    $('conn').textContent = 'connected';
    $('conn').classList.remove('down');
  };
  steps.onmessage = (e) => {
    const m = JSON.parse(e.data);
    if (m.kind === 'graph') showGraph(m.version);
    else render(m);
  };
  steps.onclose = () => {
    // What the page showed may be stale: no verdict is shown until the server says again.
    document.body.dataset.view = 'reconnecting';
    document.body.dataset.checking = 'false';
    $('conn').textContent = 'reconnecting…';
    $('conn').classList.add('down');
    $('status').textContent = 'reconnecting…';
    for (const id of ['enter', 'solve', 'back']) $(id).disabled = true;
    setTimeout(connectSteps, backoff(stepTries++));
  };
}

function send(message) {
  if (steps?.readyState === WebSocket.OPEN) steps.send(JSON.stringify(message));
}

function press(key) {
  send({ type: 'key', key });
}

$('lessons').addEventListener('click', () => send({ type: 'choose', scenario: null }));

$('enter').addEventListener('click', () => press('enter'));
$('solve').addEventListener('click', () => press('solve'));
$('back').addEventListener('click', () => press('back'));
document.addEventListener('keydown', (e) => {
  // Keys typed in a terminal are the shell's.
  if (e.target instanceof Element && e.target.closest('.term')) return;
  if (e.key === 'S') press('solve');
  else if (e.key === 'b') press('back');
  else if (e.key === 'Enter' && !(e.target instanceof HTMLButtonElement)) press('enter');
});

const info = await (await fetch('api/info')).json();
document.title = `docker-lab${info.lab ? ` · ${info.lab}` : ''}${info.scenario ? ` · ${info.scenario}` : ''}`;
for (const node of info.nodes) terminalFor(node);
connectSteps();
