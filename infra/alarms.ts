/**
 * CloudWatch alarm definitions as plain data (everything except the dimension values, which are
 * resource names known at deploy time). Shapes match `aws.cloudwatch.MetricAlarm` arguments.
 */
export interface AlarmSpec {
  alarmDescription: string;
  namespace: string;
  metricName: string;
  statistic: "Maximum" | "Sum";
  period: number;
  evaluationPeriods: number;
  threshold: number;
  comparisonOperator: "GreaterThanThreshold";
  /** No data (an idle queue or function) is healthy. */
  treatMissingData: "notBreaching";
}

/** Any visible message in a dead-letter queue. */
const queueNotEmpty = (alarmDescription: string): AlarmSpec => ({
  alarmDescription,
  namespace: "AWS/SQS",
  metricName: "ApproximateNumberOfMessagesVisible",
  statistic: "Maximum",
  period: 60,
  evaluationPeriods: 1,
  threshold: 0,
  comparisonOperator: "GreaterThanThreshold",
  treatMissingData: "notBreaching",
});

/** Any count of `metricName` in five minutes. */
const anyIn5Minutes = (alarmDescription: string, namespace: string, metricName: string): AlarmSpec => ({
  alarmDescription,
  namespace,
  metricName,
  statistic: "Sum",
  period: 300,
  evaluationPeriods: 1,
  threshold: 0,
  comparisonOperator: "GreaterThanThreshold",
  treatMissingData: "notBreaching",
});

export function alarmSpecs(): {
  deadLetterQueueReceived: AlarmSpec;
  deadLetterQueueNotEmpty: AlarmSpec;
  scheduleDeadLetterQueueNotEmpty: AlarmSpec;
  workerErrors: AlarmSpec;
} {
  return {
    // Its consumer acknowledges a message within seconds, so a depth alarm alone would rarely see one.
    deadLetterQueueReceived: anyIn5Minutes(
      "syncron: a message reached the dead-letter queue after 5 receives; its run ended FAILURE DEAD_LETTERED (the DeadLetterConsumer's log has the message)",
      "AWS/SQS",
      "NumberOfMessagesReceived",
    ),
    deadLetterQueueNotEmpty: queueNotEmpty(
      "syncron: messages waiting in the dead-letter queue that its consumer has not settled (its function failing, or the table unreachable)",
    ),
    scheduleDeadLetterQueueNotEmpty: queueNotEmpty(
      "syncron: scheduled fires EventBridge could not deliver to the sync queue (the schedule dead-letter queue)",
    ),
    workerErrors: anyIn5Minutes("syncron: the worker Lambda returned errors", "AWS/Lambda", "Errors"),
  };
}
