// Command ${{ values.name }}: ${{ values.description }}
//
// An HTTP service with liveness (/healthz) and readiness (/readyz) endpoints,
// Prometheus metrics (/metrics), JSON logs (log/slog) and a graceful shutdown
// on SIGTERM.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

const serviceName = "${{ values.name }}"

// shutdownTimeout stays below Kubernetes' terminationGracePeriodSeconds (30 s).
const shutdownTimeout = 20 * time.Second

// knownRoutes are counted by path; anything else is "unmatched" so metric
// labels stay bounded whatever clients request.
var knownRoutes = map[string]bool{
	"/healthz":   true,
	"/readyz":    true,
	"/metrics":   true,
	"/api/hello": true,
}

// quietRoutes are probes and scrapes: logged at debug, not info.
var quietRoutes = map[string]bool{
	"/healthz": true,
	"/readyz":  true,
	"/metrics": true,
}

type server struct {
	logger   *slog.Logger
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	// ready is false while starting and while draining on shutdown.
	ready atomic.Bool
}

func newServer(logger *slog.Logger) *server {
	s := &server{
		logger:   logger,
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "http_requests_total",
			Help: "HTTP requests handled, by method, route and status code.",
		}, []string{"method", "route", "status_code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "http_request_duration_seconds",
			Help:    "HTTP request duration in seconds, by method, route and status code.",
			Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5},
		}, []string{"method", "route", "status_code"}),
	}
	s.registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		s.requests,
		s.duration,
	)
	return s
}

// routes returns the service's handler. Method-qualified patterns (Go 1.22)
// answer 405 for other methods and 404 for unknown paths.
func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{Registry: s.registry}))
	mux.HandleFunc("GET /api/hello", s.hello)
	return s.instrument(mux)
}

// healthz is liveness: the process serves requests. It never checks
// dependencies, or an outage elsewhere would restart every pod.
func (s *server) healthz(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *server) readyz(w http.ResponseWriter, _ *http.Request) {
	if !s.ready.Load() {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not ready"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

// hello is an example route; replace it with your own.
func (s *server) hello(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	if name == "" {
		name = "world"
	}
	if len(name) > 100 {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "name must be at most 100 characters"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": "Hello, " + name + "!"})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// statusRecorder remembers the status code a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(status int) {
	r.status = status
	r.ResponseWriter.WriteHeader(status)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter {
	return r.ResponseWriter
}

// instrument counts, times and logs every request.
func (s *server) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		elapsed := time.Since(start)

		route := "unmatched"
		if knownRoutes[r.URL.Path] {
			route = r.URL.Path
		}
		method := methodLabel(r.Method)
		status := strconv.Itoa(rec.status)
		s.requests.WithLabelValues(method, route, status).Inc()
		s.duration.WithLabelValues(method, route, status).Observe(elapsed.Seconds())

		level := slog.LevelInfo
		if quietRoutes[route] {
			level = slog.LevelDebug
		}
		s.logger.LogAttrs(r.Context(), level, "request handled",
			slog.String("method", method),
			slog.String("route", route),
			slog.String("path", r.URL.Path),
			slog.Int("status_code", rec.status),
			slog.Int64("duration_ms", elapsed.Milliseconds()),
		)
	})
}

// methodLabel keeps arbitrary client-sent methods out of metric labels.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut,
		http.MethodPatch, http.MethodDelete, http.MethodOptions:
		return method
	}
	return "OTHER"
}

func logLevel() slog.Level {
	var level slog.Level
	if err := level.UnmarshalText([]byte(os.Getenv("LOG_LEVEL"))); err != nil {
		return slog.LevelInfo
	}
	return level
}

// run serves on addr until ctx is cancelled, then drains: readiness fails
// first so Kubernetes stops routing here, then in-flight requests finish.
func run(ctx context.Context, logger *slog.Logger, addr string) error {
	s := newServer(logger)
	httpServer := &http.Server{
		Handler:           s.routes(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
	}

	listener, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	serveErr := make(chan error, 1)
	go func() {
		serveErr <- httpServer.Serve(listener)
	}()
	s.ready.Store(true)
	logger.Info("listening", slog.String("addr", listener.Addr().String()))

	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	logger.Info("shutting down")
	s.ready.Store(false)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := httpServer.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	logger.Info("stopped")
	return nil
}

// probe checks /healthz of the server on this machine: the container
// image has no shell or curl, so HEALTHCHECK runs the binary itself.
func probe(port string) int {
	client := http.Client{Timeout: 2 * time.Second}
	resp, err := client.Get("http://127.0.0.1:" + port + "/healthz")
	if err != nil {
		fmt.Fprintln(os.Stderr, "healthcheck:", err)
		return 1
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintln(os.Stderr, "healthcheck: status", resp.StatusCode)
		return 1
	}
	return 0
}

func main() {
	healthcheck := flag.Bool("healthcheck", false, "probe /healthz of the running server and exit 0 when healthy")
	flag.Parse()

	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	if *healthcheck {
		os.Exit(probe(port))
	}

	// One JSON object per line on stdout; the cluster's log collector ships it as is.
	logger := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: logLevel()})).
		With(slog.String("service", serviceName))
	slog.SetDefault(logger)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := run(ctx, logger, ":"+port); err != nil {
		logger.Error("server failed", slog.String("error", err.Error()))
		stop()
		os.Exit(1)
	}
}
