// Command members is the Lambda function that serves one part of the HTTP API:
// profiles, your data, connections, notifications and their settings (pkg/httpapi, GroupMembers; docs/platform.md).
package main

import (
	"github.com/warmlead/warmlead/functions/internal/apimain"
	"github.com/warmlead/warmlead/pkg/httpapi"
)

func main() { apimain.Main(httpapi.GroupMembers) }
