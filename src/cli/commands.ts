/**
 * The codex-oss commands. Each lives in its own module; add new ones here.
 */
import type { Command } from './command.ts';
import { startCommand } from './daemon/start-command.ts';
import { statusCommand } from './daemon/status-command.ts';
import { stopCommand } from './daemon/stop-command.ts';
import { dashboardCommand } from './dashboard/dashboard-command.ts';
import { doctorCommand } from './doctor/doctor-command.ts';
import { installCommand } from './install/install-command.ts';
import { selfTestCommand } from './self-test-command.ts';

export const COMMANDS: readonly Command[] = [
  installCommand,
  startCommand,
  stopCommand,
  statusCommand,
  doctorCommand,
  dashboardCommand,
  selfTestCommand,
];
