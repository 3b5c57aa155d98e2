// The teacher watching a student's terminals (`/class/watch?lab=NAME`): the same output as the student's page,
// scrollback then live; nothing is sent, and the server reads nothing from these sockets. Above them, the
// student's row of the board (of the lesson the board showed when the link was followed), asked for as often as
// the board asks.
import { openTerminal } from '/term.js';

const asked = new URLSearchParams(location.search);
const lab = asked.get('lab') ?? '';
const lesson = asked.get('lesson');
const info = await (await fetch(`/class/info?lab=${encodeURIComponent(lab)}`)).json();
document.getElementById('where').textContent = `watching ${info.lab} (read-only)`;
document.title = `docker-lab · watching ${info.lab}`;
// What the page holds, for tests as for app.js's `window.dlab`.
const dlab = { terminals: {} };
window.dlab = dlab;
for (const node of info.nodes) {
  const path = `/class/ws/term?lab=${encodeURIComponent(lab)}&node=${encodeURIComponent(node)}`;
  dlab.terminals[node] = openTerminal(document.getElementById('terminals'), node, path, { readOnly: true });
}

/** The student's row of the board's latest look, in its words: done, the step in hand, how each step passed. */
async function standing() {
  try {
    const view = await (await fetch(`/class/api${lesson ? `?lesson=${encodeURIComponent(lesson)}` : ''}`)).json();
    const w = view.words.rows.find((r) => r.lab === info.lab);
    document.getElementById('standing').textContent = !w
      ? ''
      : w.state === 'not-up'
        ? `not up: ${w.problem}`
        : `${view.report.scenario}: ${w.done} done · in hand: ${w.hand} · passed ${w.marks}`;
  } catch {
    // Not reached this time: the terminals say whether the server is; the next ask may answer.
  }
  setTimeout(() => void standing(), 4000);
}
void standing();
