// Package ddblocal installs and runs DynamoDB Local, AWS's Java
// implementation of the DynamoDB API, so that tests and the local stack talk
// to a real DynamoDB engine instead of a hand-written fake.
//
// The engine is not downloaded from AWS directly: it is taken from the npm
// package amplify-dynamodb-simulator, pinned at [PackageVersion], because the
// npm registry is reachable from every machine this project runs on. The jar
// is checked against [JarSHA256] before it is used.
//
// Typical use in a test:
//
//	srv, err := ddblocal.Start(ctx, ddblocal.Options{})
//	if err != nil { t.Fatal(err) }
//	t.Cleanup(func() { _ = srv.Stop() })
//	client := ddblocal.NewClient(srv.Endpoint)
//
// Needs npm (first install only) and a Java 17+ runtime on PATH.
package ddblocal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/warmlead/warmlead/pkg/dynamo"
)

const (
	// PackageName is the npm package that ships DynamoDB Local; it is the
	// only source of the engine that the project's machines can reach.
	PackageName = "amplify-dynamodb-simulator"

	// PackageVersion pins PackageName so every machine runs the same engine
	// (DynamoDB Local 1.25.1) and JarSHA256 stays meaningful.
	PackageVersion = "2.9.30"

	// JarSHA256 is the sha256 of package/emulator/DynamoDBLocal.jar in
	// PackageName@PackageVersion. Install refuses any other jar, so a
	// re-published or corrupted package cannot silently change the engine.
	JarSHA256 = "454305e9bc3e6ebcca5b62569869e31563b8d7e346474e94557b2600702146c7"

	// CacheDirEnv names the environment variable that overrides
	// DefaultCacheDir, for CI caches or read-only work trees.
	CacheDirEnv = "WARMLEAD_CACHE_DIR"
)

// Static credentials and region for every client of DynamoDB Local. Without
// -sharedDb the engine keeps a separate database per access key and region,
// so a client with other credentials would see none of the tables; all code
// talking to a local server must therefore use exactly these values.
const (
	AccessKey = dynamo.LocalAccessKey
	SecretKey = dynamo.LocalSecretKey
	Region    = dynamo.LocalRegion
)

// DefaultCacheDir returns where downloaded tools are kept: $WARMLEAD_CACHE_DIR
// if set, else <repo root>/.cache, where the repo root is the nearest ancestor
// of the working directory that holds a go.mod. Keeping the cache at the repo
// root (not per package) lets every test package share one 56 MB download.
// The emulator itself goes to <cache>/dynamodb-local/<PackageVersion>/.
func DefaultCacheDir() (string, error) {
	if dir := os.Getenv(CacheDirEnv); dir != "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return "", fmt.Errorf("ddblocal: resolve %s=%q: %w", CacheDirEnv, dir, err)
		}
		return abs, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("ddblocal: find cache dir: %w", err)
	}
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, ".cache"), nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("ddblocal: find cache dir: %w", err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("ddblocal: no go.mod in %s or any parent; set %s", wd, CacheDirEnv)
		}
		dir = parent
	}
}

// NewClient returns a DynamoDB client for a DynamoDB Local endpoint such as
// Server.Endpoint. It uses the static AccessKey/SecretKey and Region (so it
// sees the same tables as every other local client), turns off response CRC
// validation and allows 3 attempts. optFns are applied last and may override
// any of it.
//
// CRC validation is off because DynamoDB Local's error responses carry no
// x-amz-crc32 header; SDK versions that insist on it would turn every modelled
// error (ConditionalCheckFailed, ResourceNotFound) into a checksum failure.
// The SDK version in go.mod today tolerates the missing header, so this is
// insurance against upgrades, not a fix for a failure seen now.
func NewClient(endpoint string, optFns ...func(*dynamodb.Options)) *dynamodb.Client {
	opts := dynamodb.Options{
		Region:                          Region,
		Credentials:                     credentials.NewStaticCredentialsProvider(AccessKey, SecretKey, ""),
		BaseEndpoint:                    aws.String(endpoint),
		DisableValidateResponseChecksum: true,
		RetryMaxAttempts:                3,
	}
	return dynamodb.New(opts, optFns...)
}
