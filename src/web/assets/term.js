// One xterm.js terminal on a node's shell, over a websocket that comes back after a drop (with backoff). Shared
// by the student's page (it types) and the teacher's watch page (read-only: it sends nothing, and the server
// would not read it anyway).
import { FitAddon } from '/vendor/addon-fit.mjs';
import { Terminal } from '/vendor/xterm.mjs';

export const wsUrl = (path) => {
  const url = new URL(path, location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
};
export const backoff = (n) => Math.min(5000, 250 * 2 ** n);

export function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A terminal in `parent` on the shell that `path` (a websocket path) serves; `onSocket` is told each new socket. */
export function openTerminal(parent, node, path, { readOnly = false, onSocket = () => {} } = {}) {
  const box = el('section', { class: 'term', id: `term-${node}`, 'data-node': node, 'data-connected': 'false' });
  const head = el('h3');
  const state = el('span', { class: 'conn' }, 'connecting…');
  head.append(el('span', {}, readOnly ? `${node} (watching, read-only)` : node), state);
  const screen = el('div', { class: 'screen' });
  box.append(head, screen);
  parent.append(box);
  const term = new Terminal({ cursorBlink: !readOnly, disableStdin: readOnly, fontSize: 13, scrollback: 5000 });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(screen);
  let ws = null;
  let tries = 0;
  const send = (m) => !readOnly && ws?.readyState === WebSocket.OPEN && ws.send(JSON.stringify(m));
  const resize = () => send({ type: 'resize', cols: term.cols, rows: term.rows });
  function connect() {
    ws = new WebSocket(wsUrl(path));
    ws.binaryType = 'arraybuffer';
    onSocket(ws);
    ws.onopen = () => {
      tries = 0;
      // The server replays the shell's scrollback first: start from a clean screen so nothing shows twice.
      term.reset();
      box.dataset.connected = 'true';
      state.textContent = 'connected';
      state.classList.remove('down');
      resize();
    };
    ws.onmessage = (e) => term.write(new Uint8Array(e.data));
    ws.onclose = () => {
      box.dataset.connected = 'false';
      state.textContent = 'reconnecting…';
      state.classList.add('down');
      setTimeout(connect, backoff(tries++));
    };
  }
  term.onData((data) => send({ type: 'input', data }));
  term.onResize(resize);
  new ResizeObserver(() => fit.fit()).observe(screen);
  fit.fit();
  connect();
  return {
    term,
    /**
     * A command into the shell as the student pastes it, then Enter. A paste (bracketed, as xterm.js does it
     * when the shell asks) reaches bash as one input: typed line by line, the lines after a `sudo` would be
     * read by sudo's own pseudo-terminal while the first runs, and lost.
     */
    type: (text) => {
      term.paste(text);
      send({ type: 'input', data: '\r' });
    },
    connected: () => ws?.readyState === WebSocket.OPEN,
  };
}
