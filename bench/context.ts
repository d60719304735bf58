/**
 * What every section gets: the settings, the shared client agent, the bench upstream, the shared bridge child
 * (caps raised) and the two paths to compare.
 */
import type { Agent } from 'node:http';
import type { HistoryLookup } from '../src/translate/messages.ts';
import type { ReasoningCarrier } from '../src/translate/reasoning-carrier.ts';
import type { BridgeProcess } from './bridge-process.ts';
import type { FastUpstream } from './fast-upstream.ts';
import type { BenchSettings } from './options.ts';
import type { Path } from './paths.ts';

export interface BenchContext {
  settings: BenchSettings;
  agent: Agent;
  upstream: FastUpstream;
  bridge: BridgeProcess;
  direct: Path;
  viaBridge: Path;
  /** History lookup with the shared bridge's reasoning key, for translating payloads the way it will. */
  lookup: HistoryLookup;
  /** Seals reasoning with the shared bridge's key, so it opens what the bench builds. */
  bridgeCarrier: ReasoningCarrier;
  progress(message: string): void;
}
