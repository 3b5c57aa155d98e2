// The teacher watching a student's terminals (`/class/watch?lab=NAME`): the same output as the student's page,
// scrollback then live; nothing is sent, and the server reads nothing from these sockets.
import { openTerminal } from '/term.js';

const lab = new URLSearchParams(location.search).get('lab') ?? '';
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
