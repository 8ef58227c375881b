import { App, Stack } from 'aws-cdk-lib';
import { DestructiveCallAlarm } from './src';
const s = new Stack(new App(), 'S', { env: { account: '111111111111', region: 'us-east-1' } });
const a = new DestructiveCallAlarm(s, 'A', { maxRules: 300 });
const by = (x: string) => a.ruleInfo.filter(r => r.severity === x).length;
console.log('rules', a.rules.length, by('CRITICAL'), by('DENIED'), by('TAMPERING'), 'max chars', Math.max(...a.ruleInfo.map(r => r.characters)));
