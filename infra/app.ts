import { App } from 'aws-cdk-lib';
import { buildApp } from './build-app.ts';

buildApp(new App());
