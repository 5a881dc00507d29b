// Command referrals is the Lambda function that serves one part of the HTTP API:
// shared links and their landing page, interest in a posting, saved searches (pkg/httpapi, GroupReferrals; docs/platform.md).
package main

import (
	"github.com/warmlead/warmlead/functions/internal/apimain"
	"github.com/warmlead/warmlead/pkg/httpapi"
)

func main() { apimain.Main(httpapi.GroupReferrals) }
