package yaml

import (
	"regexp"
	"sync"
)

// lazyRegexp compiles expr on first use rather than at package init.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
