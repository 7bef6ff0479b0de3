import { scheduleMessage } from "../queue/message.ts";

/** What EventBridge Scheduler substitutes with the fire's scheduled time. */
export const SCHEDULER_TIME_PLACEHOLDER = "<aws.scheduler.scheduled-time>";

/**
 * The JSON a schedule fire sends: a `trigger: "schedule"` sync.run message whose `scheduled_time`
 * is `timeValue` (a placeholder the backend fills in at fire time). Keys in a fixed order so the
 * text compares equal across calls.
 */
export function scheduleInput(configId: string, timeValue: string): string {
  return JSON.stringify(scheduleMessage(configId, timeValue));
}
