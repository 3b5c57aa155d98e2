/** Every course scenario says which note and section it reproduces, and --list can say it in one line. */
import { describe, expect, it } from 'vitest';
import { SCENARIOS_DIR } from '../../src/paths.js';
import { listScenarios } from '../../src/scenario/catalog.js';
import { courseRefsOf, describeCourse } from '../../src/scenario/format/course.js';

describe('course references', () => {
  it('are given by every committed scenario but the engine sample', () => {
    const scenarios = listScenarios(SCENARIOS_DIR);
    expect(scenarios.filter((s) => s.problem)).toEqual([]);
    expect(scenarios.filter((s) => s.name !== 'sample' && s.course.length === 0).map((s) => s.name)).toEqual([]);
  });

  it('read one entry or a list, and describe them in order', () => {
    expect(describeCourse(courseRefsOf({ note: '003', section: '多容器复杂部署' }))).toBe('note 003 "多容器复杂部署"');
    const two = courseRefsOf([
      { note: '001', section: '浅谈容器网络' },
      { note: '003', section: 'host & none 详解' },
    ]);
    expect(describeCourse(two)).toBe('note 001 "浅谈容器网络", note 003 "host & none 详解"');
  });

  it('are none for a file without them, or with a bad one (--list still shows the scenario)', () => {
    expect(courseRefsOf(undefined)).toEqual([]);
    expect(courseRefsOf({ note: 3, section: 'x' })).toEqual([]);
  });
});
