/**
 * Drive rate limits, after rclone's `--tpslimit` and `--bwlimit`: `tps` requests per second and
 * `bwlimit` bytes per second, shared by every transfer of one process that uses the same drive, with
 * a pause on HTTP 429 (`Retry-After`) and a slow-down while throttling repeats.
 */
import { sleep } from "../util/sleep.ts";
import type { Drive } from "./drive.ts";

export interface RateLimitSettings {
  /** Requests per second (> 0); absent = no limit until the drive is throttled. */
  readonly tps?: number;
  /** Bytes per second for reads and writes together (> 0); absent = no limit. */
  readonly bwlimit?: number;
}

/**
 * Sliding-window margin: a request may start this long after the one `tps` places before it + 1 s, so
 * a request that waited for a new connection cannot arrive in the same second as later ones.
 */
const WINDOW_MARGIN_MS = 100;
/** Without `tps`, throttling paces requests this far apart (× the slow-down). */
const THROTTLED_INTERVAL_MS = 100;
const MAX_SLOWDOWN = 16;
/** The slow-down halves after this long without throttling. */
const RECOVER_MS = 60_000;
/** Pause after a 429 without `Retry-After`. */
const DEFAULT_PAUSE_MS = 1000;

/** Waits for the drive's rate limit before each HTTP request, and hears of throttling. */
export interface RequestGate {
  /** Resolves when the request may start (a limiter: with that start time on its clock, in ms). */
  beforeRequest(signal?: AbortSignal): Promise<unknown>;
  throttled(retryAfterMs: number | undefined): void;
}

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const realClock: Clock = { now: () => performance.now(), sleep };

/**
 * One drive's limits. `beforeRequest` spaces request starts evenly (1 s / tps apart, no burst) and
 * never lets more than `tps` start within one second; `throttled` pauses everyone until `Retry-After`
 * and, when it repeats, doubles the spacing (up to 16×) until a minute passes without one.
 * `take` waits until `bytes` fit into `bwlimit`.
 */
export class RateLimiter implements RequestGate {
  private nextStart = 0;
  private readonly starts: number[] = [];
  private pausedUntil = 0;
  private slowdown = 1;
  private lastThrottle = Number.NEGATIVE_INFINITY;
  private bytesFreeAt = 0;
  /** Resolves when the request before the latest caller has started (turns go one at a time). */
  private turn: Promise<void> = Promise.resolve();

  constructor(
    readonly settings: RateLimitSettings,
    private readonly clock: Clock = realClock,
  ) {
    for (const key of ["tps", "bwlimit"] as const) {
      const value = settings[key];
      if (value !== undefined && !(Number.isFinite(value) && value > 0))
        throw new RangeError(`${key} must be a positive number, got ${value}`);
    }
  }

  /** The spacing between request starts now, in ms (0 = none). */
  get intervalMs(): number {
    this.recover();
    const base = this.settings.tps ? 1000 / this.settings.tps : this.slowdown > 1 ? THROTTLED_INTERVAL_MS : 0;
    return base * this.slowdown;
  }

  /**
   * Waits for this request's turn. Turns are handed out in call order, one at a time, and each is
   * reckoned from the times the requests before it really started: a process that stalled (a loaded
   * machine, a long GC) and woke late sends its waiting requests spaced out, not in one burst.
   * Resolves with the start it granted, on the limiter's clock.
   */
  async beforeRequest(signal?: AbortSignal): Promise<number> {
    const previous = this.turn;
    let done = () => {};
    this.turn = new Promise<void>((resolve) => {
      done = resolve;
    });
    try {
      await previous;
      for (;;) {
        const now = this.clock.now();
        const start = this.earliestStart(now);
        if (start <= now) break;
        await this.clock.sleep(start - now, signal);
      }
      const started = this.clock.now();
      if (this.settings.tps) this.starts.push(started);
      this.nextStart = started + this.intervalMs;
      return started;
    } finally {
      done();
    }
  }

  /** When a request may start, given the real starts so far, the spacing and any pause. */
  private earliestStart(now: number): number {
    let start = Math.max(now, this.nextStart, this.pausedUntil);
    const tps = this.settings.tps;
    if (tps) {
      const limit = Math.max(1, Math.floor(tps / this.slowdown));
      while (this.starts.length > 0 && (this.starts[0] ?? 0) <= start - 1000 - WINDOW_MARGIN_MS)
        this.starts.shift();
      if (this.starts.length >= limit) {
        start = Math.max(start, (this.starts[this.starts.length - limit] ?? 0) + 1000 + WINDOW_MARGIN_MS);
      }
    }
    return start;
  }

  /** The drive answered 429 (or its own "too many requests"): pause, and slow down if it repeats. */
  throttled(retryAfterMs?: number): void {
    const now = this.clock.now();
    if (now - this.lastThrottle < RECOVER_MS) this.slowdown = Math.min(MAX_SLOWDOWN, this.slowdown * 2);
    this.lastThrottle = now;
    this.pausedUntil = Math.max(this.pausedUntil, now + (retryAfterMs ?? DEFAULT_PAUSE_MS));
  }

  private recover(): void {
    while (this.slowdown > 1 && this.clock.now() - this.lastThrottle > RECOVER_MS) {
      this.slowdown /= 2;
      this.lastThrottle += RECOVER_MS;
    }
  }

  /** Waits until `bytes` more fit into `bwlimit` (no-op without one). */
  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    const bw = this.settings.bwlimit;
    if (!bw || bytes <= 0) return;
    const now = this.clock.now();
    const start = Math.max(now, this.bytesFreeAt);
    this.bytesFreeAt = start + (bytes * 1000) / bw;
    if (start > now) await this.clock.sleep(start - now, signal);
  }

  /** A pass-through stream paced by `bwlimit`. */
  meter(signal?: AbortSignal): TransformStream<Uint8Array, Uint8Array> {
    return new TransformStream({
      transform: async (chunk, controller) => {
        await this.take(chunk.byteLength, signal);
        controller.enqueue(chunk);
      },
    });
  }
}

const shared = new Map<string, RateLimiter>();

/**
 * The process-wide limiter of one drive (by `key`, e.g. the drive's name), so every transfer and every
 * run in this process shares it. Settings of the first call win until `settings` change.
 */
export function sharedRateLimiter(key: string, settings: RateLimitSettings): RateLimiter {
  const existing = shared.get(key);
  if (existing && existing.settings.tps === settings.tps && existing.settings.bwlimit === settings.bwlimit)
    return existing;
  const limiter = new RateLimiter(settings);
  shared.set(key, limiter);
  return limiter;
}

const inner = new WeakMap<Drive, Drive>();

/** The drive a rate-limit wrapper wraps (or the drive itself). */
export const innerDrive = (drive: Drive): Drive => {
  let current = drive;
  for (let next = inner.get(current); next; next = inner.get(current)) current = next;
  return current;
};

/** The Retry-After (ms) of a throttling error in the cause chain; undefined = not throttling. */
export const throttleOf = (error: unknown): { retryAfterMs?: number } | undefined => {
  for (let current = error, depth = 0; current && depth < 10; depth++) {
    const candidate = current as {
      status?: unknown;
      retryAfterMs?: unknown;
      $metadata?: { httpStatusCode?: number };
      name?: unknown;
    };
    const status =
      typeof candidate.status === "number" ? candidate.status : candidate.$metadata?.httpStatusCode;
    if (status === 429 || candidate.name === "SlowDown" || candidate.name === "ThrottlingException")
      return typeof candidate.retryAfterMs === "number" ? { retryAfterMs: candidate.retryAfterMs } : {};
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
};

export interface WithRateLimitOptions {
  /**
   * The drive already waits for `limiter` before each of its HTTP requests (openlist): the wrapper
   * then only paces bytes. Otherwise each drive call takes one turn.
   */
  readonly gatesRequests?: boolean;
}

/**
 * Wraps any drive with `limiter`: each call waits for its turn (unless the drive gates its own
 * requests), read and written bytes are paced by `bwlimit`, throttling errors pause the limiter (and
 * are rethrown: they are retryable). `copyFrom` is forwarded with the source unwrapped.
 */
export function withRateLimit(drive: Drive, limiter: RateLimiter, options: WithRateLimitOptions = {}): Drive {
  const turn = (signal?: AbortSignal) =>
    options.gatesRequests ? Promise.resolve() : limiter.beforeRequest(signal);
  const watch = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      const throttle = options.gatesRequests ? undefined : throttleOf(error);
      if (throttle) limiter.throttled(throttle.retryAfterMs);
      throw error;
    }
  };
  const wrapped: Drive = {
    name: drive.name,
    features: drive.features,
    async *list(dir, listOptions) {
      await turn(listOptions?.signal);
      const iterator = drive.list(dir, listOptions)[Symbol.asyncIterator]();
      for (;;) {
        const next = await watch(() => iterator.next());
        if (next.done) return;
        yield next.value;
      }
    },
    stat: async (path) => {
      await turn();
      return watch(() => drive.stat(path));
    },
    read: async (path, readOptions) => {
      await turn(readOptions?.signal);
      const body = await watch(() => drive.read(path, readOptions));
      return limiter.settings.bwlimit ? body.pipeThrough(limiter.meter(readOptions?.signal)) : body;
    },
    write: async (path, body, source, writeOptions) => {
      await turn(writeOptions?.signal);
      const paced = limiter.settings.bwlimit ? body.pipeThrough(limiter.meter(writeOptions?.signal)) : body;
      return watch(() => drive.write(path, paced, source, writeOptions));
    },
    delete: async (path) => {
      await turn();
      return watch(() => drive.delete(path));
    },
    mkdir: async (dir) => {
      await turn();
      return watch(() => drive.mkdir(dir));
    },
    rmdir: async (dir) => {
      await turn();
      return watch(() => drive.rmdir(dir));
    },
    hash: async (path, type) => {
      await turn();
      return watch(() => drive.hash(path, type));
    },
    ...(drive.copyFrom
      ? {
          copyFrom: async (from, source, path, copyOptions) => {
            await turn(copyOptions?.signal);
            return watch(
              () =>
                drive.copyFrom?.(innerDrive(from), source, path, copyOptions) ?? Promise.resolve(undefined),
            );
          },
        }
      : {}),
    ...(drive.removeStaleTemps
      ? {
          removeStaleTemps: async (dir: string) => {
            await turn();
            return watch(() => drive.removeStaleTemps?.(dir) ?? Promise.resolve(0));
          },
        }
      : {}),
    ...(drive.close ? { close: () => drive.close?.() ?? Promise.resolve() } : {}),
  };
  inner.set(wrapped, drive);
  return wrapped;
}
