/**
 * Simulated time for a simulation in one process: `sleep(ms)` resolves when the virtual clock reaches
 * it, and the clock moves only once nothing else can run (every promise chain waits on a sleep), to
 * the earliest sleep's end. So N simulated workers cost what N machines would, whatever this machine's
 * load: CPU time is not counted, only the waits. Work must not wait on real timers or I/O meanwhile.
 */
export class VirtualClock {
  private time = 0;
  private readonly sleepers: { at: number; wake: () => void }[] = [];
  private armed = false;

  /** Virtual ms since the clock was made. */
  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => {
      this.sleepers.push({ at: this.time + Math.max(0, ms), wake });
      this.arm();
    });
  }

  private arm(): void {
    if (this.armed) return;
    this.armed = true;
    // Two turns of the event loop: work that hops through setImmediate runs before time moves.
    setImmediate(() => setImmediate(() => this.advance()));
  }

  private advance(): void {
    this.armed = false;
    if (this.sleepers.length === 0) return;
    const at = Math.min(...this.sleepers.map((s) => s.at));
    this.time = at;
    const due = this.sleepers.filter((s) => s.at === at);
    this.sleepers.splice(0, this.sleepers.length, ...this.sleepers.filter((s) => s.at !== at));
    for (const sleeper of due) sleeper.wake();
    if (this.sleepers.length > 0) this.arm();
  }
}
