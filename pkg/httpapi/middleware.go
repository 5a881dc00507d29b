package httpapi

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"time"
)

// statusRecorder remembers the status a handler wrote, for the access log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// logRequests writes one JSON log line per request.
func logRequests(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		logger.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", rec.status), slog.Duration("duration", time.Since(start)),
			slog.String("request_id", requestID(r.Context())))
	})
}

// recoverPanics turns a panic into a logged 500 problem, so one bad request
// never takes the function down or shows a stack trace.
func recoverPanics(logger *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				logger.ErrorContext(r.Context(), "panic", "request_id", requestID(r.Context()), "panic", v)
				writeProblem(w, newProblem(http.StatusInternalServerError, "An internal error has occurred."))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// writeProblem writes a problem outside huma (panics, the local gateway).
func writeProblem(w http.ResponseWriter, p *problem) {
	for k, vs := range p.headers {
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p.ErrorModel)
}

// WriteProblem writes an RFC 9457 problem for status with a detail and the
// fields at fault. The local gateway uses it so its 401s look like ours.
func WriteProblem(w http.ResponseWriter, status int, detail string, location, message string) {
	p := newProblem(status, detail)
	if location != "" {
		p.Errors = append(p.Errors, errorDetail(location, message))
	}
	writeProblem(w, p)
}
