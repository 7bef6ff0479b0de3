import { useCallback, useEffect, useState } from "preact/hooks";

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: Error | undefined;
  reload(): void;
}

/** Runs `load` now and on `reload()`; with `everyMs`, again every so often while `keepPolling(data)`. */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: readonly unknown[],
  options: { everyMs?: number; keepPolling?: (data: T) => boolean } = {},
): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Error>();
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = () =>
      load().then(
        (value) => {
          if (!live) return;
          setData(value);
          setError(undefined);
          if (options.everyMs && (options.keepPolling?.(value) ?? true))
            timer = setTimeout(run, options.everyMs);
        },
        (failure: unknown) => {
          if (live) setError(failure instanceof Error ? failure : new Error(String(failure)));
        },
      );
    void run();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [...deps, tick]);
  return { data, error, reload };
}
