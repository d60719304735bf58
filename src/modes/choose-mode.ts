/**
 * Which task mode a handoff asks for. The structured block's `mode` decides when given (and is checked against
 * what it needs); otherwise the markers do: a read-only task over named files with a deliverable is a
 * context_pack_report, any other handoff is managed_autonomy. Pure; an inconsistent block is a 400.
 */
import { evidenceSteps } from './context-pack.ts';
import type { Handoff } from './handoff.ts';
import { invalidHandoff, type ModeName } from './handoff-block.ts';
import { looksLikeFile } from './paths.ts';

function checkBlock(handoff: Handoff): void {
  const { mode } = handoff;
  if (handoff.writes.length > 0 && mode !== 'bounded_write_exact')
    throw invalidHandoff('"writes" is only allowed with "mode": "bounded_write_exact"');
  if (handoff.exactOutput !== undefined && mode !== 'no_tool_exact')
    throw invalidHandoff('"exact_output" is only allowed with "mode": "no_tool_exact"');
  switch (mode) {
    case 'bounded_write_exact':
      if (handoff.writes.length === 0) throw invalidHandoff('mode bounded_write_exact needs "writes"');
      if (handoff.ownedPaths.length === 0)
        throw invalidHandoff('mode bounded_write_exact needs "owned_paths" (or an OWNED PATHS: line)');
      return;
    case 'no_tool_exact':
      if (handoff.exactOutput === undefined) throw invalidHandoff('mode no_tool_exact needs "exact_output"');
      return;
    case 'context_pack_report': {
      const steps = evidenceSteps(handoff);
      if (steps.length === 0)
        throw invalidHandoff('mode context_pack_report needs "steps" or "read_only_paths" naming files');
      const notFile =
        handoff.steps === undefined && handoff.readOnlyPaths.find((name) => !looksLikeFile(name));
      if (notFile)
        throw invalidHandoff(
          `mode context_pack_report reads whole files, and "${notFile}" in read_only_paths is not one (a ` +
            'directory, a pattern, or a name without an extension); list files, or give "steps"',
        );
      return;
    }
    case 'managed_autonomy':
    case undefined:
      return;
  }
}

export function chooseMode(handoff: Handoff): ModeName {
  checkBlock(handoff);
  if (handoff.mode) return handoff.mode;
  const steps = evidenceSteps(handoff);
  const readOnlyOverFiles =
    handoff.ownedPaths.length === 0 &&
    steps.length > 0 &&
    handoff.readOnlyPaths.every(looksLikeFile) &&
    steps.every((step) => looksLikeFile(step.path));
  return readOnlyOverFiles && handoff.deliverable ? 'context_pack_report' : 'managed_autonomy';
}
