/**
 * The codex-oss commands. Each lives in its own module; add new ones here.
 */
import type { Command } from './command.ts';

export const COMMANDS: readonly Command[] = [];
