import type { LocalRoots } from "../drives/local-roots.ts";
import type { DriveDeps } from "./drives/deps.ts";
import type { ConfigsPort, LeasesPort, QueuePort, RunsPort, SchedulerPort } from "./ports.ts";

/** One structured log line: what happened, and the ids and figures that go with it. Never secrets. */
export type JobLog = (
  level: "info" | "warn" | "error",
  message: string,
  data?: Record<string, unknown>,
) => void;

/**
 * What the config and run use cases need. Built once per cold start by functions/api.ts (and by the
 * dev stack); tests pass real emulator-backed parts.
 */
export interface JobDeps {
  readonly configs: ConfigsPort;
  readonly runs: RunsPort;
  readonly leases: LeasesPort;
  readonly scheduler: SchedulerPort;
  readonly queue: QueuePort;
  /** Now. Injected so tests control time. */
  readonly clock: () => Date;
  /** A new unique id (config ids and task ids). */
  readonly newId: () => string;
  readonly log?: JobLog;
  /** Folders local locations in configs must lie in (real paths); no roots: local locations refused. */
  readonly localRoots: LocalRoots;
  /** The time zone of a new config that names none (`SYNCRON_DEFAULT_TIMEZONE`); absent: UTC. */
  readonly defaultTimezone?: string | undefined;
  /** Named drives and their secret store; absent, the drives routes answer 501 and `name:path` locations are not checked. */
  readonly drives?: DriveDeps;
}
