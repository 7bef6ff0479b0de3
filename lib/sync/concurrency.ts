/** A counting semaphore: at most `size` holders at once, waiters served in order. */
export class Semaphore {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = Math.max(1, size);
  }

  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/**
 * A LIFO of work items served to a fixed number of workers; handlers may push more. LIFO keeps a
 * tree walk depth-first, so pending items stay proportional to depth × breadth, not to the tree.
 */
export class WorkStack<T> {
  private readonly items: T[] = [];
  private readonly waiting: (() => void)[] = [];
  private active = 0;
  private closed = false;

  push(item: T): void {
    this.items.push(item);
    this.wake();
  }

  /** Hands out no more items: idle workers return, busy ones after their current item. */
  close(): void {
    this.closed = true;
    this.wake();
  }

  /** Resolves when the stack is empty and no handler runs (or it was closed). */
  async run(workers: number, handle: (item: T) => Promise<void>): Promise<void> {
    const worker = async (): Promise<void> => {
      while (!this.closed) {
        const item = this.items.pop();
        if (item === undefined) {
          if (this.active === 0) return;
          await new Promise<void>((resolve) => this.waiting.push(resolve));
          continue;
        }
        this.active++;
        try {
          await handle(item);
        } finally {
          this.active--;
          this.wake();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, workers) }, worker));
  }

  private wake(): void {
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}
