/**
 * Calls `onGone` once when the process that started this one has exited (this process was then
 * re-parented, so its parent pid changed). Checked every `intervalMs`; the timer never keeps the
 * process alive. Resolves a function that stops watching.
 *
 * Why: `npx syncron dev` runs `npm exec` → `sh -c syncron …` → node. A SIGTERM to npx reaches npm,
 * which passes it to the shell only; the shell dies and node would run on as an orphan holding the
 * data folder. Watching the parent makes the stack stop with its launcher however the launcher
 * ends (a signal, a crash, SIGKILL), and whatever loads this code.
 */
export function watchLauncher(onGone: () => void, intervalMs = 250): () => void {
  const launcher = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === launcher) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** True when npm or npx started this process (npm sets `npm_execpath` for `npm exec` and `npm run`). */
export const launchedByNpm = (env: NodeJS.ProcessEnv): boolean => env.npm_execpath !== undefined;
