/**
 * The `codex-oss status --json` document: the pid record joined with the running bridge's GET /health, reduced
 * to what a user or script asks "is it up and how is it doing" about.
 */
import type { HealthReport } from './bridge-health.ts';
import type { PidRecord, StartMode } from './pid-file.ts';
import { startModeOfStrategy } from './start-mode.ts';

export interface ModelStatus {
  model: string;
  status: string;
  circuit: string;
  consecutive_failures: number;
  retry_at: string | null;
  active_requests: number;
  concurrency_cap: number;
}

/** One model's usage over the window, as GET /health reports it. */
export type UsageStatus = HealthReport['usage'][number];

export interface RunningStatus {
  running: true;
  pid: number;
  url: string;
  mode: StartMode | string;
  version: string;
  instance_id: string;
  started_at: string;
  uptime_seconds: number | null;
  log_file: string | null;
  models: ModelStatus[];
  concurrency: { active: number; global_cap: number; queued: number; queue_max: number };
  usage: UsageStatus[];
}

export interface StoppedStatus {
  running: false;
  reason: string;
}

export type BridgeStatus = RunningStatus | StoppedStatus;

export function runningStatus(record: PidRecord, health: HealthReport): RunningStatus {
  return {
    running: true,
    pid: record.pid,
    url: `${record.url}/v1`,
    mode: startModeOfStrategy(health.gpt_model_strategy) ?? record.mode,
    version: health.version,
    instance_id: record.instance_id,
    started_at: record.started_at,
    uptime_seconds: health.uptime_seconds,
    log_file: record.log_file,
    models: health.models.map((model) => ({
      model: model.upstream_model,
      status: model.status,
      circuit: model.circuit.state,
      consecutive_failures: model.circuit.consecutive_failures,
      retry_at: model.circuit.retry_at,
      active_requests: model.active_requests,
      concurrency_cap: model.concurrency_cap,
    })),
    concurrency: {
      active: health.concurrency.active,
      global_cap: health.concurrency.global_cap,
      queued: health.concurrency.queued,
      queue_max: health.concurrency.queue_max,
    },
    usage: health.usage.map((entry) => ({
      model: entry.model,
      window: entry.window,
      requests: entry.requests,
      request_limit: entry.request_limit,
      percent_of_limit: entry.percent_of_limit,
      input_tokens: entry.input_tokens,
      output_tokens: entry.output_tokens,
    })),
  };
}
