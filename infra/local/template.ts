import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../build-app.ts';
import { ENTRY_METADATA_KEY } from '../constructs/service-function.ts';
import { PROJECT_ROOT } from '../paths.ts';

/**
 * Reads the synthesized CloudFormation template of the deployable stack, so local mode serves
 * the same routes, runs the same state machine definition and creates the same tables.
 */
export type CfnResource = { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> };
export type CfnTemplate = { Resources: Record<string, CfnResource> };

export function synthesizeTemplate(): CfnTemplate {
  const cdkJson = JSON.parse(readFileSync(`${PROJECT_ROOT}/cdk.json`, 'utf8')) as { context?: Record<string, unknown> };
  const app = new App({
    // Skip esbuild bundling: local mode imports the handler sources directly.
    context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] },
    outdir: undefined,
  });
  const stack = buildApp(app);
  const assembly = app.synth();
  return assembly.getStackByName(stack.stackName).template as CfnTemplate;
}

export const localFunctionArn = (logicalId: string) => `arn:aws:lambda:local:000000000000:function:${logicalId}`;

/** Resolves the intrinsic functions a state machine's DefinitionString uses into plain JSON text. */
function resolveString(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, unknown>;
  if ('Fn::Join' in node) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map(resolveString).join(separator);
  }
  if ('Fn::GetAtt' in node) {
    const [logicalId, attribute] = node['Fn::GetAtt'] as [string, string];
    if (attribute === 'Arn') return localFunctionArn(logicalId);
  }
  if ('Ref' in node) {
    const ref = node.Ref as string;
    if (ref === 'AWS::Partition') return 'aws';
    if (ref === 'AWS::Region') return 'local';
    if (ref === 'AWS::AccountId') return '000000000000';
    return ref;
  }
  throw new Error(`Cannot resolve ${JSON.stringify(value)} locally`);
}

function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

export function stateMachineDefinition(template: CfnTemplate): Record<string, unknown> {
  const machines = resourcesOfType(template, 'AWS::StepFunctions::StateMachine');
  if (machines.length !== 1) throw new Error(`Expected one state machine, found ${machines.length}`);
  const [, machine] = machines[0] as [string, CfnResource];
  return JSON.parse(resolveString(machine.Properties?.DefinitionString));
}

/** Logical id of each Lambda function → the handler module it bundles. */
export function functionEntries(template: CfnTemplate): Map<string, string> {
  const entries = new Map<string, string>();
  for (const [logicalId, resource] of resourcesOfType(template, 'AWS::Lambda::Function')) {
    const entry = resource.Metadata?.[ENTRY_METADATA_KEY];
    if (typeof entry === 'string') entries.set(logicalId, entry);
  }
  return entries;
}

export interface LocalRoute {
  method: string;
  /** API Gateway path with `{param}` segments. */
  path: string;
  functionLogicalId: string;
  authorizationScopes: string[];
  /** No authorizer at all (`AuthorizationType: NONE`), e.g. GET /openapi.json. */
  public: boolean;
  /** A Lambda (REQUEST) authorizer instead of the JWT one: the function that checks the caller. */
  lambdaAuthorizer?: { functionLogicalId: string; identitySource: string[] } | undefined;
}

/** The first `Fn::GetAtt [logicalId, 'Arn']` inside an intrinsic value, e.g. an authorizer's URI. */
function arnTarget(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.map(arnTarget).find((id) => id !== undefined);
  if (value && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    const getAtt = node['Fn::GetAtt'] as [string, string] | undefined;
    if (getAtt?.[1] === 'Arn') return getAtt[0];
    return Object.values(node)
      .map(arnTarget)
      .find((id) => id !== undefined);
  }
  return undefined;
}

export function httpRoutes(template: CfnTemplate): LocalRoute[] {
  const integrations = new Map(resourcesOfType(template, 'AWS::ApiGatewayV2::Integration'));
  const authorizers = new Map(resourcesOfType(template, 'AWS::ApiGatewayV2::Authorizer'));
  return resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(([, route]) => {
    const props = route.Properties ?? {};
    const [method, path] = String(props.RouteKey).split(' ') as [string, string];
    const target = (props.Target as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    const integrationId = (target[1] as { Ref: string }).Ref;
    const uri = integrations.get(integrationId)?.Properties?.IntegrationUri as { 'Fn::GetAtt': [string, string] };
    const authorizer =
      props.AuthorizationType === 'CUSTOM' ? authorizers.get((props.AuthorizerId as { Ref: string }).Ref)?.Properties : undefined;
    const authorizerFunction = authorizer ? arnTarget(authorizer.AuthorizerUri) : undefined;
    if (authorizer && !authorizerFunction) throw new Error(`Route ${props.RouteKey} has an authorizer without a function`);
    return {
      method,
      path,
      functionLogicalId: uri['Fn::GetAtt'][0],
      authorizationScopes: (props.AuthorizationScopes as string[] | undefined) ?? [],
      public: props.AuthorizationType === 'NONE',
      ...(authorizerFunction
        ? {
            lambdaAuthorizer: {
              functionLogicalId: authorizerFunction,
              identitySource: (authorizer?.IdentitySource as string[] | undefined) ?? [],
            },
          }
        : {}),
    };
  });
}

export interface LocalTableSchema {
  logicalId: string;
  KeySchema: unknown[];
  AttributeDefinitions: unknown[];
  GlobalSecondaryIndexes?: unknown[];
}

export function tableSchemas(template: CfnTemplate): LocalTableSchema[] {
  return resourcesOfType(template, 'AWS::DynamoDB::GlobalTable').map(([logicalId, table]) => {
    const props = table.Properties ?? {};
    const gsis =
      (props.GlobalSecondaryIndexes as { IndexName: string; KeySchema: unknown[]; Projection: unknown }[] | undefined) ?? [];
    return {
      logicalId,
      KeySchema: props.KeySchema as unknown[],
      AttributeDefinitions: props.AttributeDefinitions as unknown[],
      ...(gsis.length > 0
        ? {
            GlobalSecondaryIndexes: gsis.map((g) => ({
              IndexName: g.IndexName,
              KeySchema: g.KeySchema,
              Projection: g.Projection,
            })),
          }
        : {}),
    };
  });
}

export interface ExecutionEndedRule {
  logicalId: string;
  statuses: string[];
  functionLogicalId: string;
}

/** EventBridge rules on Step Functions status changes, with the function each one invokes. */
export function executionEndedRules(template: CfnTemplate): ExecutionEndedRule[] {
  return resourcesOfType(template, 'AWS::Events::Rule').flatMap(([logicalId, rule]) => {
    const pattern = rule.Properties?.EventPattern as { source?: string[]; detail?: { status?: string[] } } | undefined;
    if (!pattern?.source?.includes('aws.states')) return [];
    const targets = (rule.Properties?.Targets as { Arn: { 'Fn::GetAtt'?: [string, string] } }[] | undefined) ?? [];
    return targets.flatMap((target) => {
      const functionLogicalId = target.Arn['Fn::GetAtt']?.[0];
      return functionLogicalId ? [{ logicalId, statuses: pattern.detail?.status ?? [], functionLogicalId }] : [];
    });
  });
}
