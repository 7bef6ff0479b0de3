/** The scheduler port, its three adapters and the names they share. Import the AWS adapters only in AWS composition roots. */
export * from "./errors.ts";
export {
  createEventBridgeRulesScheduler,
  type EventBridgeRulesOptions,
} from "./eventbridge-rules/eventbridge-rules.ts";
export {
  createEventBridgeScheduler,
  DEFAULT_RETRY_POLICY,
  type EventBridgeSchedulerOptions,
  type RetryPolicy,
} from "./eventbridge-scheduler/eventbridge-scheduler.ts";
export { createManualClock, type SchedulerClock, systemClock } from "./local/clock.ts";
export {
  createLocalScheduler,
  type LocalScheduler,
  type LocalSchedulerOptions,
} from "./local/local-scheduler.ts";
export { configIdOf, scheduleNames } from "./names.ts";
export * from "./scheduler.ts";
