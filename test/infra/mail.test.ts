import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.ts';

const MAIL_FROM = 'reports@example.com';
const ENDING_STEPS = ['FinalizeFn', 'MarkFailedFn', 'OnExecutionEndedFn', 'ReconcileFn'];

function synth(extra: Record<string, string>): Template {
  const app = new App({
    context: {
      'courseExhaust:jwtIssuer': 'https://issuer.example.com/',
      'courseExhaust:jwtAudience': 'dashboard',
      'aws:cdk:bundling-stacks': [],
      ...extra,
    },
  });
  return Template.fromStack(buildApp(app));
}

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };

function functionsOf(template: Template): Map<string, { env: Record<string, unknown>; statements: Statement[] }> {
  const json = template.toJSON();
  const policies = Object.values(template.findResources('AWS::IAM::Policy'));
  const found = new Map<string, { env: Record<string, unknown>; statements: Statement[] }>();
  for (const [id, fn] of Object.entries(template.findResources('AWS::Lambda::Function'))) {
    const role = (fn.Properties.Role as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt']?.[0];
    const statements = policies
      .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
    found.set(id, { env: json.Resources[id].Properties.Environment?.Variables ?? {}, statements });
  }
  return found;
}

const sends = (statements: Statement[]) => statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('ses:')));

describe('infra: e-mail to requesters (courseExhaust:mailFrom)', () => {
  it('lets exactly the steps that end a request send, SendEmail only and only from the configured sender', () => {
    const withMail = synth({ 'courseExhaust:mailFrom': MAIL_FROM });
    for (const [id, fn] of functionsOf(withMail)) {
      const ending = ENDING_STEPS.some((step) => id.includes(step));
      const statements = sends(fn.statements);
      if (!ending) {
        expect(statements, id).toEqual([]);
        continue;
      }
      expect(statements, id).toHaveLength(1);
      expect([statements[0]?.Action].flat(), id).toEqual(['ses:SendEmail']);
      expect(statements[0]?.Condition, id).toEqual({ StringEquals: { 'ses:FromAddress': MAIL_FROM } });
      expect(fn.env.MAIL_FROM, id).toBe(MAIL_FROM);
      // The link goes to the dashboard's CloudFront address, never to a presigned URL.
      expect(JSON.stringify(fn.env.DASHBOARD_URL), id).toContain('DashboardDistribution');
    }
    const submit = [...functionsOf(withMail)].find(([id]) => id.includes('SubmitReportFn'))?.[1];
    expect(submit?.env.MAIL_FROM).toBe(MAIL_FROM);
  });

  it('refuses a sender that is not an e-mail address', () => {
    expect(() => synth({ 'courseExhaust:mailFrom': 'not-an-address' })).toThrow(
      'courseExhaust:mailFrom must be an e-mail address',
    );
  });
});
