/**
 * What doctor prints: a table per check group (status, title, detail, and the fix under anything not PASS), or
 * the same results as one JSON document.
 */
import { CHECK_GROUPS, type CheckResult, type Status } from './check.ts';

export interface DoctorReport {
  project: string;
  topology: string | null;
  /** True when no check FAILed (WARNs allowed). */
  ok: boolean;
  summary: Record<Status, number>;
  checks: CheckResult[];
}

export function doctorReport(
  project: string,
  topology: string | undefined,
  checks: CheckResult[],
): DoctorReport {
  const summary: Record<Status, number> = { PASS: 0, WARN: 0, FAIL: 0 };
  for (const check of checks) summary[check.status] += 1;
  return { project, topology: topology ?? null, ok: summary.FAIL === 0, summary, checks };
}

export function formatJson(report: DoctorReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

function rows(results: readonly CheckResult[], titleWidth: number): string[] {
  const indent = ' '.repeat(2 + 4 + 2 + titleWidth + 2);
  return results.flatMap((result) => {
    const line = `  ${result.status}  ${result.title.padEnd(titleWidth)}  ${result.detail}`;
    return result.status === 'PASS' ? [line] : [line, `${indent}fix: ${result.fix}`];
  });
}

function verdict(report: DoctorReport): string {
  const { PASS, WARN, FAIL } = report.summary;
  const counts = `${PASS} PASS, ${WARN} WARN, ${FAIL} FAIL`;
  if (FAIL > 0)
    return `${counts}: run the fix of each FAIL (top to bottom), then \`codex-oss doctor\` again.`;
  return WARN > 0 ? `${counts}: working; the WARNs say what could be better.` : `${counts}: all good.`;
}

export function formatTable(report: DoctorReport): string {
  const titleWidth = Math.max(...report.checks.map((check) => check.title.length));
  const topology = report.topology ? `${report.topology} topology` : 'no topology installed';
  const sections = CHECK_GROUPS.flatMap((group) => {
    const results = report.checks.filter((check) => check.group === group);
    return results.length === 0 ? [] : ['', group, ...rows(results, titleWidth)];
  });
  return [`codex-oss doctor: ${report.project} (${topology})`, ...sections, '', verdict(report), ''].join(
    '\n',
  );
}
