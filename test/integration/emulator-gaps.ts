/**
 * Where the emulator's EventBridge (moto 5.2.1) delivers differently from the library's matcher
 * (`EventPatternMatcher`, which follows the EventBridge documentation), on the events of
 * eventbridge.integ.ts. A difference not covered by an entry here fails that test; an entry
 * that covers no difference in a run fails it too, so the list only holds observed gaps.
 *
 * Each entry names the moto behaviour (with the code that does it) and the EventBridge
 * documentation the library follows.
 */
export interface EmulatorGap {
  /** Short stable identifier, printed in the run's summary. */
  readonly id: string;
  /** What moto does, and where in moto it is done. */
  readonly motoBehaviour: string;
  /** The documented EventBridge behaviour the library's matcher follows. */
  readonly documented: string;
  /** The EventBridge documentation page. */
  readonly url: string;
  /** Whether one difference (a rule's pattern, an event, and the two answers) is this gap. */
  covers(difference: PatternDifference): boolean;
}

/** One (rule, event) pair on which moto and the library's matcher disagree. */
export interface PatternDifference {
  readonly rule: string;
  readonly pattern: any;
  readonly event: any;
  /** The library's matcher says the pattern matches the event. */
  readonly matcher: boolean;
  /** moto delivered the event to the rule's queue. */
  readonly moto: boolean;
}

/**
 * Observed gaps. Empty while moto and the matcher agree on every (event, rule) pair of the
 * battery; moto behaviours that differ from EventBridge but that the library's patterns do not
 * reach are listed in docs/integration-tests.md, not here.
 */
export const EMULATOR_GAPS: EmulatorGap[] = [];

/**
 * Where moto's CloudFormation (5.2.1) fails on a template the library synthesizes although the
 * template follows the CloudFormation resource reference (guarded-deploy.integ.ts). The CLI
 * deploys an adjusted copy of the template (`adjust`, applied by apps/guarded-bootstrap-app.ts
 * after synthesis); the test keeps the original for its assertions. Each run also creates `probe`
 * in an account of its own: if moto creates it, the gap is gone and the run fails, as it does
 * when `adjust` finds nothing to change, so the list only holds gaps that are still observed.
 */
export interface TemplateGap {
  /** Short stable identifier, printed in the run's summary. */
  readonly id: string;
  /** What moto does, and where in moto it is done. */
  readonly motoBehaviour: string;
  /** The documented CloudFormation behaviour the template follows. */
  readonly documented: string;
  /** The CloudFormation resource reference page. */
  readonly url: string;
  /** A minimal template that moto fails to create because of the gap. */
  readonly probe: any;
  /** Removes what moto cannot take from `template` (in place); returns the logical IDs it changed. */
  adjust(template: any): string[];
}

export const TEMPLATE_GAPS: TemplateGap[] = [
  {
    id: 'ssm-parameter-tags-map',
    motoBehaviour: 'moto/ssm/models.py Parameter.create_from_cloudformation_json passes the Tags property to put_parameter, '
      + 'which reads it as a list of {Key, Value} (`{t["Key"]: t["Value"] for t in tags}`): a map raises TypeError after the '
      + 'parameter was stored, and the CreateStack/ExecuteChangeSet request returns HTTP 500 with the stack left in progress.',
    documented: 'AWS::SSM::Parameter Tags is a map of key to value ({"Key": "Value", ...}, type Json) (CDK synthesizes it so, e.g. the guard tag '
      + 'GuardedBootstrap puts on its version parameter).',
    url: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ssm-parameter.html#cfn-ssm-parameter-tags',
    probe: {
      Resources: {
        Probe: { Type: 'AWS::SSM::Parameter', Properties: { Name: '/guardrails-integ/probe', Type: 'String', Value: '1', Tags: { probe: 'true' } } },
      },
    },
    adjust(template: any): string[] {
      return Object.entries<any>(template.Resources ?? {})
        .filter(([, r]) => r.Type === 'AWS::SSM::Parameter' && r.Properties?.Tags !== undefined && !Array.isArray(r.Properties.Tags))
        .map(([id, r]) => {
          delete r.Properties.Tags;
          return id;
        });
    },
  },
];
