import { DescribeExecutionCommand, ExecutionDoesNotExist, type SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionState, ExecutionStatusReader } from '../domain/ports.ts';
import { clients } from './aws-clients.ts';

/** Reads an execution's status from Step Functions (locally: the local endpoint, which forgets on restart). */
export class SfnExecutionStatus implements ExecutionStatusReader {
  constructor(private readonly sfn: SFNClient = clients.sfn) {}

  async stateOf(executionArn: string): Promise<ExecutionState> {
    try {
      const out = await this.sfn.send(new DescribeExecutionCommand({ executionArn }));
      return (out.status ?? 'MISSING') as ExecutionState;
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist || (error as { name?: string }).name === 'ExecutionDoesNotExist')
        return 'MISSING';
      throw error;
    }
  }
}
