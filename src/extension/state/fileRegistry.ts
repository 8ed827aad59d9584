// Host-issued ids for files the page may ask to open. The page only ever
// holds an opaque `f<n>`; the path stays here, so a compromised or buggy page
// cannot make the host open anything it did not list.
export class FileRegistry {
  private readonly byId = new Map<string, string>();
  private readonly byPath = new Map<string, string>();
  private next = 1;

  /** The id for a path, issuing one the first time. */
  idFor(path: string): string {
    const known = this.byPath.get(path);
    if (known) return known;
    const id = `f${this.next++}`;
    this.byId.set(id, path);
    this.byPath.set(path, id);
    return id;
  }

  /** The path for an id this registry issued, or undefined. */
  resolve(id: string): string | undefined {
    return this.byId.get(id);
  }

  clear(): void {
    this.byId.clear();
    this.byPath.clear();
  }
}
