import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import {
  DockerImageAssetLocation, DockerImageAssetSource, FileAssetLocation, FileAssetPackaging, FileAssetSource, ISynthesisSession, Names, Stack,
  StackSynthesizer,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { inputError } from '../private/errors';

/** Largest template CloudFormation accepts inline (`TemplateBody`), in bytes. */
const TEMPLATE_BODY_MAX_BYTES = 51_200;
/** Largest template CloudFormation reads from S3 (`TemplateURL`), in bytes. */
const TEMPLATE_URL_MAX_BYTES = 1_000_000;

/**
 * The synthesizer of a `GuardrailsMemberStack`: no bootstrap version parameter, no cloud assembly
 * artifact (the template becomes a file asset of the parent stack), and no assets of its own.
 */
class MemberStackSynthesizer extends StackSynthesizer {
  public addFileAsset(asset: FileAssetSource): FileAssetLocation {
    throw refuseAsset(this.boundStack, `a file asset (${asset.fileName ?? asset.executable?.join(' ') ?? asset.sourceHash})`);
  }

  public addDockerImageAsset(asset: DockerImageAssetSource): DockerImageAssetLocation {
    throw refuseAsset(this.boundStack, `a container image asset (${asset.directoryName ?? asset.executable?.join(' ') ?? asset.sourceHash})`);
  }

  public synthesize(session: ISynthesisSession): void {
    // Writes the template (GuardrailsMemberStack._synthesizeTemplate); no artifact of its own.
    this.synthesizeTemplate(session);
  }
}

function refuseAsset(stack: Stack, what: string): Error {
  return inputError('GuardrailsMemberStack', stack.node.path, `the member stack has ${what}. A StackSet deploys the template alone: `
    + 'it cannot copy an asset into a bucket of every target Region nor make it readable from every target account. Use inline code '
    + '(lambda.Code.fromInline), or stage the asset yourself in one bucket per target Region whose policy admits aws:PrincipalOrgID, '
    + 'and reference it by bucket and key (see docs/organization.md, "Assets").');
}

/** Properties of a `GuardrailsMemberStack`. */
export interface GuardrailsMemberStackProps {
  /**
   * Description of the member-account stacks.
   * @default - a description naming cdk-agent-guardrails
   */
  readonly description?: string;
}

/**
 * The stack a `GuardrailsStackSet` deploys to every account of its target OUs: build it as any
 * CDK stack (e.g. with `AgentDenyPolicies`, `DestructiveCallForwarder`, `AgentRole`), inside the
 * management (or delegated administrator) stack that holds the StackSet.
 *
 * It is not deployed by `cdk deploy`: its template becomes part of the StackSet, inline when it
 * fits `TemplateBody` (51,200 bytes), otherwise a file asset of the parent stack whose S3 URL is
 * the StackSet's `TemplateURL` (up to 1,000,000 bytes; larger fails synthesis). It has no
 * account or Region (every stack instance gets its own), no bootstrap version parameter, and no
 * file or image assets: a StackSet cannot put them in every target Region and account, so
 * adding one (e.g. a Lambda function from a directory) fails synthesis.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/what-is-cfnstacksets.html
 *
 * @example
 * const management = new Stack(app, 'Management');
 * const member = new GuardrailsMemberStack(management, 'Member');
 * new AgentDenyPolicies(member, 'AgentDenies');
 */
export class GuardrailsMemberStack extends Stack {
  /** Largest template CloudFormation accepts inline (`TemplateBody`), in bytes. */
  public static readonly TEMPLATE_BODY_MAX_BYTES = TEMPLATE_BODY_MAX_BYTES;

  /** Largest template CloudFormation reads from S3 (`TemplateURL`), in bytes. */
  public static readonly TEMPLATE_URL_MAX_BYTES = TEMPLATE_URL_MAX_BYTES;

  /** File name of the synthesized template in the cloud assembly directory. */
  public readonly templateFile: string;

  /** The stack whose template holds the StackSet (and, when needed, the template's file asset). */
  public readonly parentStack: Stack;

  private templateText?: string;
  private url?: string;

  constructor(scope: Construct, id: string, props: GuardrailsMemberStackProps = {}) {
    const parentStack = findParentStack(scope, id);
    super(scope, id, {
      description: props.description ?? 'cdk-agent-guardrails: per-account guardrails deployed by a StackSet',
      synthesizer: new MemberStackSynthesizer(),
    });
    this.parentStack = parentStack;
    this.templateFile = `${Names.uniqueId(this)}.stackset.template.json`;
  }

  /**
   * Bytes of the minified template (what the StackSet receives), known after synthesis.
   * @internal
   */
  public get _templateBytes(): number | undefined {
    return this.templateText === undefined ? undefined : Buffer.byteLength(this.templateText, 'utf8');
  }

  /**
   * The minified template, after synthesis.
   * @internal
   */
  public get _templateText(): string | undefined {
    return this.templateText;
  }

  /**
   * The template's S3 URL when it is too large to be inline, after synthesis.
   * @internal
   */
  public get _templateUrl(): string | undefined {
    return this.url;
  }

  /**
   * Not a top-level stack: `cdk deploy` does not see it.
   * @internal
   */
  public get _isTopLevelStack(): boolean {
    return false;
  }

  /**
   * Writes the template and, when it is over the inline limit, registers it as a file asset of
   * the parent stack.
   * @internal
   */
  public _synthesizeTemplate(session: ISynthesisSession): void {
    const template = this._toCloudFormation();
    const text = JSON.stringify(template);
    const bytes = Buffer.byteLength(text, 'utf8');
    if (bytes > TEMPLATE_URL_MAX_BYTES) {
      throw inputError('GuardrailsMemberStack', this.node.path, `the template has ${bytes.toLocaleString('en-US')} bytes, over the ${TEMPLATE_URL_MAX_BYTES.toLocaleString('en-US')} CloudFormation reads from S3. `
        + 'Split the member stack into two member stacks and two GuardrailsStackSets.');
    }
    this.templateText = text;
    fs.writeFileSync(path.join(session.assembly.outdir, this.templateFile), text);
    if (bytes > TEMPLATE_BODY_MAX_BYTES) {
      this.url = this.parentStack.synthesizer.addFileAsset({
        packaging: FileAssetPackaging.FILE,
        sourceHash: crypto.createHash('sha256').update(text).digest('hex'),
        fileName: this.templateFile,
        displayName: `${this.node.path} Template`,
      }).httpUrl;
    }
  }
}

function findParentStack(scope: Construct, id: string): Stack {
  const where = scope.node.path ? `${scope.node.path}/${id}` : id;
  let parent: Stack;
  try {
    parent = Stack.of(scope);
  } catch {
    throw inputError('GuardrailsMemberStack', where, 'scope: the member stack must be created inside the stack that holds the GuardrailsStackSet (the management or delegated administrator account\'s), e.g. new GuardrailsMemberStack(managementStack, \'Member\').');
  }
  if (parent instanceof GuardrailsMemberStack) {
    throw inputError('GuardrailsMemberStack', where, 'scope: a member stack cannot be created inside another member stack. Create it inside the management stack.');
  }
  return parent;
}
