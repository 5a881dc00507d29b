package httpapi

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// An operation whose registration panics answers every request with that
// panic (a 500 once recoverPanics catches it) and is not registered again.
func TestAFailedRegistrationIsNotRetried(t *testing.T) {
	l := &lazyOps{}
	mux := http.NewServeMux()
	tries := 0
	l.add(mux, http.MethodGet, "/broken", func() {
		tries++
		panic("no schema for you")
	})
	for range 3 {
		func() {
			defer func() {
				if v := recover(); v != "no schema for you" {
					t.Errorf("request answered with %v, want the registration's panic", v)
				}
			}()
			mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/broken", nil))
		}()
	}
	if tries != 1 {
		t.Errorf("registered %d times, want once", tries)
	}
}
