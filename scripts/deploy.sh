#!/usr/bin/env bash
# Deploy Thera to AWS:  scripts/deploy.sh ENV REGION
#
# Steps: install the functions' dependencies for the Lambda platform, compile the workflows and
# render the stack (`thera build --package`), deploy the artifacts bucket, upload the zip,
# `aws cloudformation package` and `deploy`, then print the stack outputs.
# `thera deploy --env ENV --region REGION` runs the same steps through boto3.
#
# Needs: this project installed (`pip install -e .`), the AWS CLI v2 and credentials.
# Optional environment:
#   THERA_STACK         stack name (default thera-ENV)
#   THERA_LAYER_ARN     the Region's AWS SDK for pandas layer (pyarrow, numpy), e.g.
#                       arn:aws:lambda:us-east-1:336392948345:layer:AWSSDKPandas-Python312:<version>
#   THERA_ALARM_EMAIL   address subscribed to alarms and budget alerts
#   PYTHON              the interpreter with Thera installed (default python3)
set -euo pipefail

usage() { echo "usage: scripts/deploy.sh ENV REGION" >&2; exit 2; }
[ $# -eq 2 ] || usage
ENV=$1
REGION=$2
[[ $ENV =~ ^[a-z][a-z0-9-]{0,15}$ ]] || { echo "error: ENV must be lowercase letters, digits, '-'" >&2; exit 2; }
STACK=${THERA_STACK:-thera-$ENV}
PYTHON=${PYTHON:-python3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$ROOT/build
thera() { "$PYTHON" -c 'import sys; from thera_sdk.cli import main; sys.exit(main())' "$@"; }

command -v aws >/dev/null || {
  echo "error: the AWS CLI is not installed: install v2, or run \`thera deploy --env $ENV --region $REGION\`" >&2
  exit 2
}
aws sts get-caller-identity --region "$REGION" >/dev/null || {
  echo "error: no usable AWS credentials: set AWS_PROFILE (after \`aws sso login\`) or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY" >&2
  exit 2
}
[ -n "${THERA_LAYER_ARN:-}" ] || echo "warning: THERA_LAYER_ARN is not set: the functions will miss pyarrow and numpy" >&2

echo "==> 1/6 dependencies for the Lambda platform (python3.12, x86_64)"
rm -rf "$BUILD/lambda/deps"
mkdir -p "$BUILD/lambda"
"$PYTHON" -c 'from thera_sdk.deploy import lambda_requirements; print("\n".join(lambda_requirements()))' \
  > "$BUILD/lambda/requirements.txt"
"$PYTHON" -m pip install --quiet --target "$BUILD/lambda/deps" \
  --platform manylinux2014_x86_64 --implementation cp --python-version 3.12 --only-binary=:all: \
  -r "$BUILD/lambda/requirements.txt"

echo "==> 2/6 compile the workflows, render the stack, zip the functions"
thera build --out "$BUILD" --package --dependencies "$BUILD/lambda/deps"
ZIP=$BUILD/lambda/thera-functions.zip
KEY=lambda/thera-functions-$("$PYTHON" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest()[:16])' "$ZIP").zip

echo "==> 3/6 the artifacts bucket ($STACK-artifacts)"
aws cloudformation deploy --region "$REGION" --stack-name "$STACK-artifacts" \
  --template-file "$ROOT/cloudformation/artifacts.json" --no-fail-on-empty-changeset
BUCKET=$(aws cloudformation describe-stack-resource --region "$REGION" --stack-name "$STACK-artifacts" \
  --logical-resource-id ArtifactsBucket --query StackResourceDetail.PhysicalResourceId --output text)

echo "==> 4/6 upload s3://$BUCKET/$KEY"
aws s3 cp --region "$REGION" "$ZIP" "s3://$BUCKET/$KEY"

echo "==> 5/6 package and deploy $STACK"
aws cloudformation package --region "$REGION" --use-json \
  --template-file "$BUILD/cloudformation/thera.json" \
  --s3-bucket "$BUCKET" --s3-prefix templates \
  --output-template-file "$BUILD/cloudformation/thera.packaged.json"
aws cloudformation deploy --region "$REGION" --stack-name "$STACK" \
  --template-file "$BUILD/cloudformation/thera.packaged.json" \
  --s3-bucket "$BUCKET" --s3-prefix templates \
  --capabilities CAPABILITY_IAM --no-fail-on-empty-changeset \
  --parameter-overrides "Env=$ENV" "CodeBucket=$BUCKET" "CodeKey=$KEY" \
    "DependenciesLayerArn=${THERA_LAYER_ARN:-}" "AlarmEmail=${THERA_ALARM_EMAIL:-}"

echo "==> 6/6 outputs"
aws cloudformation describe-stacks --region "$REGION" --stack-name "$STACK" \
  --query 'Stacks[0].Outputs' --output table
