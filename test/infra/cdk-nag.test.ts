import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../infra/build-app.ts';

describe('infra: cdk-nag AwsSolutions', () => {
  it('passes the AwsSolutions pack, every acknowledged finding with its reason beside it', () => {
    const app = new App({
      context: {
        'courseExhaust:jwtIssuer': 'https://issuer.example.com/',
        'courseExhaust:jwtAudience': 'dashboard',
        'courseExhaust:alarmEmail': 'ops@example.com',
        'courseExhaust:mailFrom': 'reports@example.com',
        'aws:cdk:bundling-stacks': [],
      },
    });
    buildApp(app);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(() => app.synth()).not.toThrow();
  });
});
