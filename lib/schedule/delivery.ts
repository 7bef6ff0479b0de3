/**
 * How AWS delivers a fire to the sync queue, the same for both AWS backends: EventBridge retries a
 * failed delivery (the queue throttled, the role or queue policy wrong) for up to an hour, 10 times;
 * past that the fire goes to the schedule dead-letter queue, where an alarm sees it, never nowhere.
 */
export interface RetryPolicy {
  /** 60–86 400 on both EventBridge Scheduler and rules. */
  MaximumEventAgeInSeconds: number;
  /** 0–185 on both. */
  MaximumRetryAttempts: number;
}

/** A missed fire is still worth running within the hour; past that the next fire will do. */
export const SCHEDULE_RETRY_POLICY: RetryPolicy = {
  MaximumEventAgeInSeconds: 3600,
  MaximumRetryAttempts: 10,
};
