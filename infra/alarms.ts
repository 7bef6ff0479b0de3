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

export function alarmSpecs(): {
  deadLetterQueueNotEmpty: AlarmSpec;
  scheduleDeadLetterQueueNotEmpty: AlarmSpec;
  workerErrors: AlarmSpec;
} {
  return {
    deadLetterQueueNotEmpty: queueNotEmpty(
      "syncron: messages in the dead-letter queue (a run failed after 5 receives)",
    ),
    scheduleDeadLetterQueueNotEmpty: queueNotEmpty(
      "syncron: scheduled fires EventBridge could not deliver to the sync queue (the schedule dead-letter queue)",
    ),
    workerErrors: {
      alarmDescription: "syncron: the worker Lambda returned errors",
      namespace: "AWS/Lambda",
      metricName: "Errors",
      statistic: "Sum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
    },
  };
}
