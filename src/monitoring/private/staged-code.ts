import * as path from 'path';
import { AssetStaging, CfnResource, Names, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';

/**
 * The code of a bundled Lambda directory, as `lambda.Code.fromAsset(dir)` renders it (the same
 * staging, asset hash, asset manifest entry, `Code` property and asset metadata, under the same
 * construct path `<function>/Code/Stage`) without creating an `s3_assets.Asset`: besides what is
 * done here, that construct only imports the assets bucket (`Bucket.fromBucketAttributes`), which
 * a function never uses and which loads aws-cdk-lib's region facts (about 75 ms of a synth).
 */
export class StagedAssetCode extends lambda.Code {
  public readonly isInline = false;
  private assetPath?: string;
  private scope?: Construct;

  constructor(private readonly dir: string) {
    super();
  }

  public bind(scope: Construct): lambda.CodeConfig {
    if (this.scope) throw new Error(`StagedAssetCode of ${this.dir} is bound twice; create one for each function.`);
    // What s3_assets.Asset does with the props AssetCode gives it ({ path, deployTime: true }).
    const asset = new Construct(scope, 'Code');
    const staging = new AssetStaging(asset, 'Stage', { sourcePath: path.resolve(this.dir) });
    if (!staging.isArchive) throw new Error(`Asset must be a .zip file or a directory (${this.dir})`);
    const stack = Stack.of(asset);
    this.assetPath = staging.relativeStagedPath(stack);
    this.scope = asset;
    const location = stack.synthesizer.addFileAsset({
      packaging: staging.packaging,
      sourceHash: staging.assetHash,
      fileName: this.assetPath,
      deployTime: true,
      displayName: Names.stackRelativeConstructPath(asset),
    });
    return { s3Location: { bucketName: location.bucketName, objectKey: location.objectKey } };
  }

  public bindToResource(resource: CfnResource, options: lambda.ResourceBindOptions = {}): void {
    if (!this.scope) throw new Error('bindToResource() must be called after bind()');
    // s3_assets.Asset.addResourceMetadata: only when the CLI asks for asset metadata.
    if (this.scope.node.tryGetContext(cxapi.ASSET_RESOURCE_METADATA_ENABLED_CONTEXT)) {
      const metadata = resource.cfnOptions.metadata = resource.cfnOptions.metadata ?? {};
      metadata[cxapi.ASSET_RESOURCE_METADATA_PATH_KEY] = this.assetPath;
      metadata[cxapi.ASSET_RESOURCE_METADATA_IS_BUNDLED_KEY] = false;
      metadata[cxapi.ASSET_RESOURCE_METADATA_PROPERTY_KEY] = options.resourceProperty ?? 'Code';
    }
  }
}
