/**
 * The scenario as the student meets it: one exercise step per top-level main step (a parallel group is one
 * step), numbered from 1, with what to show and how the step is known to be done.
 */

import { formatLocation, InputError } from '../errors.js';
import { firstOfMany } from '../format.js';
import type { Lab } from '../lab/model.js';
import { interpolateText } from '../scenario/format/interpolate.js';
import { resolveExpression, scopeOnNode } from '../scenario/format/scope.js';
import { type GuidedStep, kindOf, type LeafStep } from '../scenario/kinds/registry.js';
import { hasGuide, mainSteps, type ScenarioPlan, type Verification } from '../scenario/plan.js';
import { shellQuote } from '../shell/quote.js';

export interface ExerciseStep {
  /** 1-based, as the student counts. */
  number: number;
  title: string;
  explain: string | null;
  hint: string | null;
  verify: Verification;
  /**
   * `teardown`: one of the course's undo steps, typed last; it takes the lesson's state away, so `--check`
   * (which reads state) counts only the lesson's steps.
   */
  part: 'lesson' | 'teardown';
  /** The plan step: its commands are the solution, and re-run when it has no check. */
  step: GuidedStep;
}

/** What to type, and where: one block per distinct command text (a command that names its node gets one per node). */
export interface CommandBlock {
  nodes: string[];
  text: string;
}

/**
 * Refuses (exit 2, naming each step's place) a scenario with steps nobody wrote for students: without
 * explain, check or confirm, a step would be re-run as its own check, and a step that changes the node
 * must not be re-run every second.
 */
export function exerciseSteps(plan: ScenarioPlan): ExerciseStep[] {
  const lesson = plan.steps.length;
  const steps = mainSteps(plan).flatMap((step, i): ExerciseStep[] => {
    if (!hasGuide(step)) return [];
    return [
      {
        number: i + 1,
        title: step.name,
        explain: step.guide.explain,
        hint: step.guide.hint,
        verify: step.guide.verify,
        part: i < lesson ? 'lesson' : 'teardown',
        step,
      },
    ];
  });
  const unwritten = steps.filter((s) => s.verify.kind === 'rerun' && s.explain === null);
  if (unwritten.length) {
    const problems = unwritten.map((s) => ({
      loc: s.step.origin,
      message: `step ${s.number} "${s.title}" is not written for exercise mode: give it explain: (it is read-only and re-run as its own check), check: or confirm: true`,
    }));
    throw new InputError(
      firstOfMany(`${plan.name} can not be an exercise yet: ${formatLocation(problems[0]!.loc)}: ${problems[0]!.message}`, problems.length),
      problems,
    );
  }
  return steps;
}

/**
 * What `--check` (and a resume) may conclude from the state alone, long after the student typed the step:
 * `proves` when the step's check reads what the step made; `unproven` when it holds whoever did the work (a
 * look) or can not be seen afterwards (a confirm).
 */
export function afterTheFact(step: ExerciseStep): 'proves' | 'unproven' {
  return step.verify.kind === 'check' ? 'proves' : 'unproven';
}

export function solutionLeaves(step: ExerciseStep): LeafStep[] {
  return 'steps' in step.step ? step.step.steps : [step.step];
}

/**
 * The commands of a step as the student types them: placeholders filled with the lab's values and the
 * captures known so far (one still unknown stays as written, so the student sees what goes there).
 */
export function commandBlocks(lab: Lab, step: ExerciseStep, captures: Record<string, string>): CommandBlock[] {
  const blocks: CommandBlock[] = [];
  for (const leaf of solutionLeaves(step)) {
    for (const node of leaf.nodes) {
      const scope = scopeOnNode(lab, node, leaf.vars, captures);
      const filled = interpolateText(leaf.run.trim(), (expr) => {
        const r = resolveExpression(expr, scope);
        return r.ok ? r.value : `\${{ ${expr} }}`;
      });
      let text = filled;
      if (leaf.sudo && !filled.startsWith('sudo ')) text = filled.includes('\n') ? `sudo bash -c ${shellQuote(filled)}` : `sudo ${filled}`;
      text = kindOf(leaf).typed?.(text, leaf) ?? text;
      const same = blocks.find((b) => b.text === text);
      if (same) same.nodes.push(node);
      else blocks.push({ nodes: [node], text });
    }
  }
  return blocks;
}
