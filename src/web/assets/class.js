// The teacher's page of `lab web --count N`: the class's report (docker-lab/class@1, as
// `lab exercise NAME --check --count N --reporter json` prints it) from /class/api, asked for again every few
// seconds; a row per student lab, with a link to watch its terminals. Text only (textContent), never HTML.
import { el } from '/term.js';

const $ = (id) => document.getElementById(id);
const EVERY_MS = 4000;

/** `just now`, `40 s ago`, `12 min ago`, `3 h ago`, then the date (as the terminal's table says it). */
function ago(iso, now) {
  const s = Math.round((now - Date.parse(iso)) / 1000);
  if (Number.isNaN(s)) return '-';
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return iso.slice(0, 10);
}

function row(r, now) {
  const tr = el('tr', { 'data-lab': r.lab, 'data-state': r.state });
  tr.append(el('td', {}, r.lab));
  if (r.state === 'not-up') {
    tr.append(el('td', { colspan: '5', class: 'problem' }, `not up: ${r.problem}`));
    return tr;
  }
  const hand = r.inHand ? `${r.inHand.number} ${r.inHand.title}` : r.marks === null ? '(not begun)' : '(all passed)';
  const watch = el('a', { href: `/class/watch?lab=${encodeURIComponent(r.lab)}`, target: '_blank', rel: 'noopener' }, 'watch');
  tr.append(
    el('td', {}, r.done === null ? '?' : `${r.done}/${r.lesson}${r.finished ? ' ✓' : ''}`),
    el('td', {}, r.state === 'unchecked' ? `${hand} (not checked: ${r.problem})` : hand),
    el('td', { class: 'marks' }, r.marks ?? '-'),
    el('td', {}, r.updated ? ago(r.updated, now) : '-'),
  );
  const cell = el('td');
  cell.append(watch);
  tr.append(cell);
  return tr;
}

function render(view) {
  const { report } = view;
  const now = Date.now();
  const finished = report.labs.filter((r) => r.finished).length;
  $('headline').textContent = `${report.scenario} on ${report.labs.length} lab${report.labs.length === 1 ? '' : 's'}: ${finished} finished`;
  const select = $('lesson');
  if (select.options.length === 0) for (const name of view.lessons) select.append(el('option', { value: name }, name));
  $('labs').tBodies[0].replaceChildren(...report.labs.map((r) => row(r, now)));
  $('legend').textContent = `passed: ${report.legend}`;
  $('conn').textContent = `checked ${ago(view.checkedAt, now)}`;
  $('conn').classList.remove('down');
}

let timer = null;
/** Each ask is numbered: an answer for a lesson no longer chosen (the menu changed meanwhile) is dropped. */
let asked = 0;
async function refresh() {
  clearTimeout(timer);
  const mine = ++asked;
  try {
    const lesson = $('lesson').value;
    const answer = await fetch(`/class/api${lesson ? `?lesson=${encodeURIComponent(lesson)}` : ''}`);
    if (!answer.ok) throw new Error(`${answer.status}`);
    const view = await answer.json();
    if (mine === asked) render(view);
  } catch (err) {
    $('conn').textContent = `not reached (${err.message}); trying again…`;
    $('conn').classList.add('down');
  } finally {
    if (mine === asked) timer = setTimeout(() => void refresh(), EVERY_MS);
  }
}

$('lesson').addEventListener('change', () => {
  $('labs').tBodies[0].replaceChildren();
  $('conn').textContent = 'checking…';
  void refresh();
});
void refresh();
