// Command orgs is the Lambda function that serves one part of the HTTP API:
// organisations, their directory, invitations and insights (pkg/httpapi, GroupOrgs; docs/platform.md).
package main

import (
	"github.com/warmlead/warmlead/functions/internal/apimain"
	"github.com/warmlead/warmlead/pkg/httpapi"
)

func main() { apimain.Main(httpapi.GroupOrgs) }
