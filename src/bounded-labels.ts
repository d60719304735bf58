/**
 * Model ids name metric series and usage rows, and any `ocg-<name>` is a valid model id: without a bound, a client
 * cycling through ids would grow /metrics, /health and the usage table without end. The known models always keep
 * their own label; the first `maxOthers` other ids get theirs; every later newcomer is counted under one label.
 */
export const OTHER_LABEL = '(other)';

export class BoundedLabels {
  readonly #keep: ReadonlySet<string>;
  readonly #maxOthers: number;
  #others = new Set<string>();

  constructor(keep: Iterable<string>, maxOthers: number) {
    this.#keep = new Set(keep);
    this.#maxOthers = maxOthers;
  }

  label(value: string): string {
    if (this.#keep.has(value) || this.#others.has(value)) return value;
    if (this.#others.size >= this.#maxOthers) return OTHER_LABEL;
    this.#others.add(value);
    return value;
  }

  /** Starts over from the labels still in use (e.g. what a persisted table holds after pruning). */
  reset(inUse: Iterable<string>): void {
    this.#others = new Set();
    for (const value of inUse) {
      if (value !== OTHER_LABEL && !this.#keep.has(value)) this.#others.add(value);
    }
  }
}
