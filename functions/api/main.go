// Command api is the Lambda function that serves one part of the HTTP API:
// the health check, the API reference and its OpenAPI document, the sign-in page and the pages' assets (pkg/httpapi, GroupSite; docs/platform.md).
package main

import (
	"github.com/warmlead/warmlead/functions/internal/apimain"
	"github.com/warmlead/warmlead/pkg/httpapi"
)

func main() { apimain.Main(httpapi.GroupSite) }
