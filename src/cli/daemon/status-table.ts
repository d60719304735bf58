/**
 * `codex-oss status` for people: a header with where it listens, then one row per model with its health, circuit
 * breaker, concurrency and usage in the current 5-hour window next to the limit.
 */
import type { ModelStatus, RunningStatus, UsageStatus } from './status-report.ts';

export function formatUptime(seconds: number | null): string {
  if (seconds === null) return 'unknown';
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${seconds}s`;
}

function compact(count: number): string {
  if (count >= 1_000_000) return `${(count / 1_000_000).toFixed(1)}M`;
  if (count >= 10_000) return `${Math.round(count / 1000)}k`;
  return String(count);
}

function requestsCell(usage: UsageStatus | undefined): string {
  if (!usage) return '0';
  if (usage.request_limit === null) return String(usage.requests);
  return `${usage.requests} / ${usage.request_limit} (${usage.percent_of_limit ?? 0}%)`;
}

function modelRow(model: ModelStatus | undefined, usage: UsageStatus | undefined, name: string): string[] {
  const circuit = model
    ? model.circuit + (model.retry_at ? ` until ${model.retry_at.slice(11, 19)}` : '')
    : '-';
  return [
    name,
    model ? (model.status === 'available' ? 'ok' : 'degraded') : '-',
    circuit,
    model ? `${model.active_requests}/${model.concurrency_cap}` : '-',
    requestsCell(usage),
    usage ? `${compact(usage.input_tokens)} / ${compact(usage.output_tokens)}` : '0 / 0',
  ];
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows
    .map((row) => `  ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')}`.trimEnd())
    .join('\n');
}

export function statusTable(status: RunningStatus): string {
  const names = [
    ...new Set([...status.models.map((model) => model.model), ...status.usage.map((u) => u.model)]),
  ];
  const rows = names.map((name) =>
    modelRow(
      status.models.find((model) => model.model === name),
      status.usage.find((usage) => usage.model === name),
      name,
    ),
  );
  const { concurrency } = status;
  return [
    `opencode-bridge ${status.version} is running (pid ${status.pid}, mode ${status.mode}, up ${formatUptime(status.uptime_seconds)})`,
    `  listening    ${status.url}`,
    ...(status.log_file ? [`  log          ${status.log_file}`] : []),
    `  concurrency  ${concurrency.active} of ${concurrency.global_cap} upstream calls in use, ${concurrency.queued} queued (max ${concurrency.queue_max})`,
    '',
    table([['MODEL', 'HEALTH', 'CIRCUIT', 'ACTIVE', 'REQUESTS (5H WINDOW)', 'TOKENS IN / OUT'], ...rows]),
    '',
  ].join('\n');
}
