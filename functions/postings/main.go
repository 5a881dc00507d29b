// Command postings is the Lambda function that serves one part of the HTTP API:
// postings: posting, editing, browsing and keyword search (pkg/httpapi, GroupPostings; docs/platform.md).
package main

import (
	"github.com/warmlead/warmlead/functions/internal/apimain"
	"github.com/warmlead/warmlead/pkg/httpapi"
)

func main() { apimain.Main(httpapi.GroupPostings) }
