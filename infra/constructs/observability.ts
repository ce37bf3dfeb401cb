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
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface ObservabilityProps {
  stateMachine: StateMachine;
  functions: LambdaFunction[];
  unendedExecutions: IQueue;
}

/** What ops watch: a dashboard of the workflow and the functions, and alarms on failures. */
export class Observability extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const period = Duration.minutes(5);
    const custom = (metricName: string, statistic = 'Sum') =>
      new Metric({ namespace: 'CourseExhaust', metricName, statistic, period, dimensionsMap: { service: 'course-exhaust' } });

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
    });

    new Alarm(this, 'UnendedExecutions', {
      alarmDescription: 'The safety net could not end the request of a failed execution: see the dead-letter queue',
      metric: props.unendedExecutions.metricApproximateNumberOfMessagesVisible({ period }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    for (const fn of props.functions) {
      new Alarm(this, `${fn.node.id}Errors`, {
        alarmDescription: `${fn.node.id} raised errors`,
        metric: fn.metricErrors({ period }),
        threshold: 1,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }

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
