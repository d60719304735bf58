/**
 * What a doctor check is and what it reports: PASS, WARN or FAIL with a one-line detail and, unless it passed, a
 * one-line fix (the exact command or edit). Checks that depend on something another check found broken report
 * WARN "not checked" instead of failing again, so every FAIL is a root cause.
 */
import type { DoctorContext } from './context.ts';

export type Status = 'PASS' | 'WARN' | 'FAIL';

export const CHECK_GROUPS = [
  'environment',
  'config',
  'agents',
  'agreements',
  'rules',
  'bridge',
  'topology',
] as const;
export type CheckGroup = (typeof CHECK_GROUPS)[number];

export type Outcome =
  | { status: 'PASS'; detail: string }
  | { status: 'WARN' | 'FAIL'; detail: string; fix: string };

export interface Check {
  id: string;
  group: CheckGroup;
  title: string;
  run(context: DoctorContext): Promise<Outcome> | Outcome;
}

export type CheckResult = Pick<Check, 'id' | 'group' | 'title'> & Outcome;

export function pass(detail: string): Outcome {
  return { status: 'PASS', detail };
}

export function warn(detail: string, fix: string): Outcome {
  return { status: 'WARN', detail, fix };
}

export function fail(detail: string, fix: string): Outcome {
  return { status: 'FAIL', detail, fix };
}

/** A check that cannot run because of a problem another check reports (as a FAIL with its own fix). */
export function notChecked(because: string, fix: string): Outcome {
  return warn(`not checked: ${because}`, fix);
}

/** What a check needs before it can judge anything: met (with what it found), or the outcome to report instead. */
export type Prerequisite<T> = { met: true; value: T } | { met: false; outcome: Outcome };

/** A check that judges only once `prerequisite` is met; otherwise it reports the prerequisite's outcome. */
export function checkWith<T>(
  meta: Pick<Check, 'id' | 'group' | 'title'>,
  prerequisite: (context: DoctorContext) => Promise<Prerequisite<T>> | Prerequisite<T>,
  judge: (value: T, context: DoctorContext) => Promise<Outcome> | Outcome,
): Check {
  return {
    ...meta,
    async run(context) {
      const found = await prerequisite(context);
      return found.met ? judge(found.value, context) : found.outcome;
    },
  };
}

export async function runCheck(check: Check, context: DoctorContext): Promise<CheckResult> {
  const { id, group, title } = check;
  try {
    return { id, group, title, ...(await check.run(context)) };
  } catch (error) {
    const message = (error as Error)?.message ?? String(error);
    return {
      id,
      group,
      title,
      ...fail(`the check itself failed: ${message}`, 'fix the cause above and run `codex-oss doctor` again'),
    };
  }
}
