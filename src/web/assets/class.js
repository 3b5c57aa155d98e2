// The teacher's page of `lab web --count N`: the class's report (docker-lab/class@1, as
// `lab exercise NAME --check --count N --reporter json` prints it) from /class/api, asked for again every few
// seconds; a row per student lab, with a link to watch its terminals. Text only (textContent), never HTML.
import { el } from '/term.js';

const $ = (id) => document.getElementById(id);
const EVERY_MS = 4000;

/** A row as the server worded it (`rowWords`, the words of the terminal's table), and a link to watch. */
function row(w) {
  const tr = el('tr', { 'data-lab': w.lab, 'data-state': w.state });
  tr.append(el('td', {}, w.lab));
  if (w.state === 'not-up') {
    tr.append(el('td', { colspan: '5', class: 'problem' }, `not up: ${w.problem}`));
    return tr;
  }
  // The watch shows the student's row of the lesson the board shows now.
  const href = `/class/watch?lab=${encodeURIComponent(w.lab)}&lesson=${encodeURIComponent($('lesson').value)}`;
  const watch = el('a', { href, target: '_blank', rel: 'noopener' }, 'watch');
  tr.append(
    el('td', {}, w.done),
    el('td', {}, w.state === 'unchecked' ? `${w.hand} (not checked: ${w.problem})` : w.hand),
    el('td', { class: 'marks' }, w.marks),
    el('td', {}, w.updated),
  );
  const cell = el('td');
  cell.append(watch);
  tr.append(cell);
  return tr;
}

function render(view) {
  const { words } = view;
  $('headline').textContent = words.headline;
  const select = $('lesson');
  if (select.options.length === 0) for (const name of view.lessons) select.append(el('option', { value: name }, name));
  $('labs').tBodies[0].replaceChildren(...words.rows.map(row));
  $('legend').textContent = `passed: ${view.report.legend}`;
  $('conn').textContent = `checked ${words.checked}`;
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
