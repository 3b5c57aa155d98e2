/**
 * The network beside the steps: `lab graph`'s discovery, run again every few seconds over the lab's pool, and its
 * SVG drawn again only when what was discovered changed (the time of discovery aside). The page is told the new
 * version on the steps websocket and loads `/graph.svg?v=N`.
 */
import type { Graph } from '../graph/model.js';

export const GRAPH_EVERY_MS = 3_000;

/** The discovered graph without its time: two discoveries of an unchanged lab give the same key. Pure. */
export function graphKey(graph: Graph): string {
  return JSON.stringify({ ...graph, takenAt: '' });
}

export class LiveGraph {
  private svg: string | null = null;
  private key = '';
  private version = 0;
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private stopped = false;
  private readonly watchers = new Set<(version: number) => void>();

  constructor(
    private readonly look: () => Promise<Graph>,
    private readonly draw: (graph: Graph) => Promise<string>,
    private readonly log: (line: string) => void,
    private readonly everyMs = GRAPH_EVERY_MS,
  ) {}

  /** Starts looking (once; again after each look ends, so looks never overlap). */
  start(): void {
    if (this.round || this.timer || this.stopped) return;
    this.tick();
  }

  private tick(): void {
    this.timer = null;
    this.round = this.refresh()
      .catch((err: unknown) => this.log(`graph: ${(err as Error).message}`))
      .finally(() => {
        this.round = null;
        if (!this.stopped) this.timer = setTimeout(() => this.tick(), this.everyMs);
      });
  }

  /** One look: a new version when the graph changed. */
  async refresh(): Promise<void> {
    const graph = await this.look();
    const key = graphKey(graph);
    if (key === this.key) return;
    const svg = await this.draw(graph);
    this.key = key;
    this.svg = svg;
    this.version++;
    for (const watch of this.watchers) watch(this.version);
  }

  current(): { version: number; svg: string } | null {
    return this.svg === null ? null : { version: this.version, svg: this.svg };
  }

  /** Calls `watch` with the version now (if there is one) and at every change, until the returned function is called. */
  subscribe(watch: (version: number) => void): () => void {
    this.watchers.add(watch);
    if (this.version > 0) watch(this.version);
    return () => this.watchers.delete(watch);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.round;
  }
}
