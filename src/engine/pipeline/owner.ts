// One owner for everything a run allocates (models, tensors, feature stores,
// files). Each thing is registered the moment it exists, and the run's one
// `finally` releases them all, newest first, whatever failed in between.
export class Owner {
  private readonly releases: (() => void)[] = [];

  /** Registers `value` for release and returns it, so allocating and owning are one expression. */
  own<T>(value: T, release: (value: T) => void): T {
    this.releases.push(() => release(value));
    return value;
  }

  /**
   * Releases everything, newest first. A release that throws does not stop
   * the others; the first such error is rethrown at the end.
   */
  release(): void {
    const errors: unknown[] = [];
    for (const release of this.releases.splice(0).reverse()) {
      try {
        release();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw errors[0];
  }
}
