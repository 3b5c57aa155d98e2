/** How each report marks a status: one map per medium, so a status reads the same wherever it is shown. */
import type { ScenarioResult } from '../scenario/results.js';

type Status = ScenarioResult['status'];

/** In a terminal or a CI log: one narrow glyph before the line. */
export const LINE_MARK: Record<Status, string> = { passed: '✔', failed: '✖', skipped: '↓', aborted: '■' };

/** In a table cell (Markdown or HTML), where the colour carries: an emoji and the word. */
export const CELL_MARK: Record<Status, string> = { passed: '✅ passed', failed: '❌ failed', skipped: '⏭ skipped', aborted: '⛔ aborted' };
