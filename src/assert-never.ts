/** The default branch of an exhaustive switch: a variant no case handled is a bug, reported with its value. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled variant: ${JSON.stringify(value)}`);
}
