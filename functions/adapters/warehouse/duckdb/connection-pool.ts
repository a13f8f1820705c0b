// The DuckDB adapter's extra connections, shared by the builds (or reads) that run at once.
/**
 * Connections for model builds and reads: a window build or a read takes one, a whole build takes them all (it
 * runs alone). Waiters
 * are woken on every release and look again, so a whole build waits for the running window builds and none
 * starts while it runs.
 */
export class ConnectionPool<Connection extends { closeSync(): void }> {
  private readonly idle: Connection[];
  private readonly waiting: (() => void)[] = [];
  private exclusiveHeld = false;

  constructor(private readonly connections: Connection[]) {
    this.idle = [...connections];
  }

  /** How many works may hold a connection at once. */
  get size(): number {
    return this.connections.length;
  }

  async use<T>(exclusive: boolean, work: (connection: Connection) => Promise<T>): Promise<T> {
    const { connection, release } = await this.acquire(exclusive);
    try {
      return await work(connection);
    } finally {
      release();
    }
  }

  /**
   * A connection held until `release` (called once): for a stream, which keeps its connection while its reader
   * pulls batches. `use` is this around one piece of work.
   */
  async acquire(exclusive: boolean): Promise<{ connection: Connection; release: () => void }> {
    while (!this.available(exclusive)) await new Promise<void>((wake) => this.waiting.push(wake));
    const connection = this.idle.pop() as Connection;
    const taken = exclusive ? this.idle.splice(0) : [];
    this.exclusiveHeld = exclusive;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.idle.push(connection, ...taken);
      if (exclusive) this.exclusiveHeld = false;
      // Every waiter looks again: the first that fits goes, the others wait for the next release.
      for (const wake of this.waiting.splice(0)) wake();
    };
    return { connection, release };
  }

  private available(exclusive: boolean): boolean {
    if (this.exclusiveHeld) return false;
    return exclusive ? this.idle.length === this.connections.length : this.idle.length > 0;
  }

  closeAll(): void {
    for (const connection of this.connections) connection.closeSync();
  }
}
