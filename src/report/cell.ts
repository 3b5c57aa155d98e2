/** A cell of the matrix, on the report floor: the matrix fills cells, and the reports draw them. */
import { formatTime } from '../format.js';
import { CELL_MARK } from './marks.js';

/** One scenario on one Docker version: what the table, the JSON and the baseline comparison speak of. */
export interface Cell {
  scenario: string;
  /** The column: the suite and the Docker version its daemon reported. */
  column: string;
  status: 'passed' | 'failed' | 'skipped' | 'aborted';
  /** The way of teaching the lesson that ran here, when it has several (`swarm`, `etcd`). */
  variant?: string;
  /** Skipped: why. Failed: the failing step, its node and the daemon's or the check's own words. */
  detail?: string;
  durationMs: number;
}

/** `✅ passed (14.0 s)`, or `✅ passed · swarm (14.0 s)`: the mark, the way that ran, the time of one that ran. Pure. */
export function cellHeadline(c: Cell): string {
  return `${CELL_MARK[c.status]}${c.variant ? ` · ${c.variant}` : ''}${c.status === 'skipped' ? '' : ` (${formatTime(c.durationMs)})`}`;
}
