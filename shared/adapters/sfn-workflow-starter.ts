import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { WorkflowStarter } from '../domain/ports.ts';
import { clients } from './aws-clients.ts';

export class SfnWorkflowStarter implements WorkflowStarter {
  constructor(
    private readonly stateMachineArn: string,
    private readonly sfn: SFNClient = clients.sfn,
  ) {}

  async start(requestId: string): Promise<string> {
    const out = await this.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: this.stateMachineArn,
        // The request id names the execution, so a retried start cannot run the request twice.
        name: requestId,
        input: JSON.stringify({ requestId }),
      }),
    );
    if (!out.executionArn) throw new Error('StartExecution returned no execution ARN');
    return out.executionArn;
  }
}
