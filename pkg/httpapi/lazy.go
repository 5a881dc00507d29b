package httpapi

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
)

// lazyOps registers a group function's operations with huma on their first
// request rather than at start. Registering an operation is most of what
// building a group's server costs (huma derives its request schemas and
// validators by reflection), and a function started cold for one request
// needs one operation's (docs/platform.md, "One API, several functions").
//
// At start each operation gets a route on the mux under the pattern huma's
// net/http adapter would give it, so routing, 404 and 405 are unchanged.
// Its first request registers it exactly as the whole API does: huma.Register
// with the group's API, whose adapter (Adapter, below) captures the handler
// huma builds instead of routing it; that request and every later one call
// the captured handler with the operation huma registered, as huma's
// adapter does. The whole API (GroupAll, which tests and the OpenAPI
// document use) registers everything at start.
//
// Every request holds a read lock while it is served, and a registration
// the write lock: in Lambda, one request at a time per instance, the lock
// is never contended; in the local stack, which serves many requests at
// once, an operation's first request waits for the requests of its group
// in flight, once.
type lazyOps struct {
	next huma.Adapter // the group API's own adapter: serves what is not ours
	// mu keeps registration apart from serving: registering writes the
	// shared schema registry and document that requests read.
	mu sync.RWMutex
	// capture receives the handler of the operation being registered; set
	// only under mu's write lock.
	capture *registered
}

// registering is held by every registration in the process, lazy or not,
// so that two never run at once: several servers registering together (the
// local stack's groups on their first requests, tests building servers in
// parallel) would otherwise meet in what huma shares between them.
var registering sync.Mutex

// registered is an operation as huma registered it: the operation its
// handler expects in its context, and the handler.
type registered struct {
	op      *huma.Operation
	handler func(huma.Context)
	// failed is what registering the operation panicked with: its
	// requests panic with it too (a 500, recoverPanics), and it is not
	// registered again.
	failed any
}

// add routes method and path to an operation that register registers on
// its first request.
func (l *lazyOps) add(mux *http.ServeMux, method, path string, register func()) {
	var done atomic.Pointer[registered]
	// The pattern humago's adapter registers (adapters/humago: Handle).
	mux.HandleFunc(strings.ToUpper(method)+" "+path, func(w http.ResponseWriter, r *http.Request) {
		reg := done.Load()
		if reg == nil {
			reg = l.register(&done, register)
		}
		if reg.failed != nil {
			panic(reg.failed)
		}
		l.mu.RLock()
		defer l.mu.RUnlock()
		reg.handler(humago.NewContext(reg.op, r, w))
	})
}

// register runs register once for the operation done stands for and
// returns what huma registered.
func (l *lazyOps) register(done *atomic.Pointer[registered], register func()) (reg *registered) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if reg := done.Load(); reg != nil {
		return reg // a concurrent first request registered it
	}
	registering.Lock()
	defer registering.Unlock()
	reg = &registered{}
	l.capture = reg
	defer func() {
		l.capture = nil
		if v := recover(); v != nil {
			reg = &registered{failed: v}
		} else if reg.handler == nil {
			reg = &registered{failed: "httpapi: registering an operation gave huma no handler"}
		}
		done.Store(reg)
	}()
	register()
	return reg
}

// Handle is huma's adapter method: it captures the handler of the
// operation being registered.
func (l *lazyOps) Handle(op *huma.Operation, handler func(huma.Context)) {
	if l.capture == nil {
		l.next.Handle(op, handler) // not a lazy registration
		return
	}
	if l.capture.handler != nil {
		panic("httpapi: one registration gave huma two handlers: " + op.Method + " " + op.Path)
	}
	l.capture.op, l.capture.handler = op, handler
}

// ServeHTTP serves through the group API's own adapter.
func (l *lazyOps) ServeHTTP(w http.ResponseWriter, r *http.Request) { l.next.ServeHTTP(w, r) }
