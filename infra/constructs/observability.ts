import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface ObservabilityProps {
  stateMachine: StateMachine;
  functions: LambdaFunction[];
  unendedExecutions: IQueue;
  /** Subscribed to the alarm topic when given (context `courseExhaust:alarmEmail`). */
  alarmEmail?: string | undefined;
}

/**
 * What ops watch: a dashboard of the workflow and the functions, and alarms on failures, every
 * one of which notifies one SNS topic (subscribe a pager or chat to it; an e-mail address from
 * context is subscribed for you).
 */
export class Observability extends Construct {
  readonly dashboard: Dashboard;
  readonly alarmTopic: Topic;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const period = Duration.minutes(5);

    // Encrypted with a key of our own: CloudWatch cannot publish to a topic under the AWS-managed SNS key.
    const topicKey = new Key(this, 'AlarmTopicKey', {
      description: 'Encrypts the Course Exhaust alarm topic',
      enableKeyRotation: true,
    });
    topicKey.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: 'Course Exhaust alarms',
      masterKey: topicKey,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    const notify = new SnsAction(this.alarmTopic);
    const custom = (metricName: string, statistic = 'Sum') =>
      new Metric({ namespace: 'CourseExhaust', metricName, statistic, period, dimensionsMap: { service: 'course-exhaust' } });

    const alarms: Alarm[] = [];
    alarms.push(
      new Alarm(this, 'ExecutionsFailed', {
        alarmDescription: 'Report workflows failed, timed out or were aborted',
        metric: new MathExpression({
          expression: 'failed + timedOut + aborted',
          usingMetrics: {
            failed: props.stateMachine.metricFailed({ period }),
            timedOut: props.stateMachine.metricTimedOut({ period }),
            aborted: props.stateMachine.metricAborted({ period }),
          },
          period,
        }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    alarms.push(
      new Alarm(this, 'UnendedExecutions', {
        alarmDescription: 'The safety net could not end the request of a failed execution: see the dead-letter queue',
        metric: props.unendedExecutions.metricApproximateNumberOfMessagesVisible({ period }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    for (const fn of props.functions) {
      alarms.push(
        new Alarm(this, `${fn.node.id}Errors`, {
          alarmDescription: `${fn.node.id} raised errors`,
          metric: fn.metricErrors({ period }),
          threshold: 1,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    for (const alarm of alarms) alarm.addAlarmAction(notify);

    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: 'CourseExhaust' });
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Report requests',
        left: [custom('ReportRequested'), custom('ReportSucceeded'), custom('ReportFailed')],
      }),
      new GraphWidget({ title: 'Rows written', left: [custom('RowsWritten')] }),
      new GraphWidget({ title: 'Batch assembly time (ms)', left: [custom('BatchAssemblyTime', 'p90')] }),
      new GraphWidget({
        title: 'Workflow executions',
        left: [props.stateMachine.metricSucceeded({ period }), props.stateMachine.metricFailed({ period })],
      }),
      new GraphWidget({ title: 'Lambda errors', left: props.functions.map((fn) => fn.metricErrors({ period })) }),
      new GraphWidget({
        title: 'Lambda duration p90',
        left: props.functions.map((fn) => fn.metricDuration({ period, statistic: 'p90' })),
      }),
    );
  }
}
