// Package templatecheck holds tests that keep template.yaml, the SAM
// template describing the cloud stack, in step with the code and with the
// contract (README.md, "Deploy"). It has no code of its own: everything is in
// its tests, which need no database.
//
// The template is read with infra/samtemplate (a plain YAML decode that
// keeps intrinsics as {"Ref": ...}, {"Fn::GetAtt": [...]}, {"Fn::Sub": ...});
// the code is read with go/parser and go/ast, so what the checks expect is
// derived from the source rather than copied into them:
//
//   - build: every function is built by the Makefile's build-<LogicalId>
//     target (BuildMethod makefile) into a stripped, static arm64 ELF
//     bootstrap of at most 12 MB, for provided.al2023 on arm64.
//   - least privilege: the role each function runs with (including what
//     SAM adds to a role it generates) grants exactly the DynamoDB actions
//     its code reaches (domain interfaces → Store methods → SDK calls,
//     transitively within pkg/dynamo → IAM actions), on the table and its
//     indexes only; the stream consumer also gets the stream read actions
//     on the stream and sqs:SendMessage on its on-failure queue.
//   - stream source: batch item failures, bisect on error, bounded retries
//     and record age, an SQS on-failure destination, TRIM_HORIZON, and a
//     filter admitting exactly the item types the store's stream decoder
//     handles (the case constants of dynamo.DecodeRecord).
//   - table: PK/SK, TTL on ExpiresAt, NEW_IMAGE stream, on-demand billing,
//     and every index the store names.
//   - HTTP API: a Cognito JWT authorizer as the default authorizer, and every
//     route attached to that API.
//
// Each check takes the template (and the source directories) as input, so
// the tests also run it on deliberately broken copies to show it fails.
package templatecheck
