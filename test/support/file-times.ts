/** A Vitest reporter beside the default one: each test file's time and state, into the run's times file. */
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { recordTime } from './times.js';

export default class FileTimes implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    for (const m of modules) {
      const d = m.diagnostic();
      recordTime(`${m.project.name}: ${relative(process.cwd(), m.moduleId)}`, d.collectDuration + d.duration, m.state());
    }
  }
}
