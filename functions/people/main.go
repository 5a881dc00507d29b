// Command people is the Lambda function that serves one part of the HTTP API:
// advice offers, informational interviews, introductions (pkg/httpapi, GroupPeople; docs/platform.md).
package main

import (
	"github.com/warmlead/warmlead/functions/internal/apimain"
	"github.com/warmlead/warmlead/pkg/httpapi"
)

func main() { apimain.Main(httpapi.GroupPeople) }
