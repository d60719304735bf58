/**
 * Polls until the condition holds. The timeout only bounds a hang: it is sized for a loaded CI machine, and a
 * condition that holds returns at once, so tests never depend on how fast the machine is.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Active timers of this process (process.getActiveResourcesInfo), to catch leaks. */
export function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}
