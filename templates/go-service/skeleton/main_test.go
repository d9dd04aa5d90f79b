package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func newTestServer(t *testing.T) (*server, *httptest.Server) {
	t.Helper()
	s := newServer(slog.New(slog.NewJSONHandler(io.Discard, nil)))
	ts := httptest.NewServer(s.routes())
	t.Cleanup(ts.Close)
	return s, ts
}

func do(t *testing.T, method, url string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return resp.StatusCode, string(body)
}

func TestHealthz(t *testing.T) {
	_, ts := newTestServer(t)
	status, body := do(t, http.MethodGet, ts.URL+"/healthz")
	if status != http.StatusOK || !strings.Contains(body, `"ok"`) {
		t.Fatalf("GET /healthz = %d %q, want 200 ok", status, body)
	}
}

func TestReadyzFollowsReadiness(t *testing.T) {
	s, ts := newTestServer(t)
	if status, _ := do(t, http.MethodGet, ts.URL+"/readyz"); status != http.StatusServiceUnavailable {
		t.Fatalf("GET /readyz before ready = %d, want 503", status)
	}
	s.ready.Store(true)
	if status, _ := do(t, http.MethodGet, ts.URL+"/readyz"); status != http.StatusOK {
		t.Fatalf("GET /readyz when ready = %d, want 200", status)
	}
}

func TestHello(t *testing.T) {
	_, ts := newTestServer(t)
	status, body := do(t, http.MethodGet, ts.URL+"/api/hello?name=Ada")
	if status != http.StatusOK {
		t.Fatalf("GET /api/hello = %d, want 200", status)
	}
	var got struct {
		Message string `json:"message"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("decode %q: %v", body, err)
	}
	if got.Message != "Hello, Ada!" {
		t.Fatalf("message = %q, want %q", got.Message, "Hello, Ada!")
	}
}

func TestHelloRejectsLongName(t *testing.T) {
	_, ts := newTestServer(t)
	status, _ := do(t, http.MethodGet, ts.URL+"/api/hello?name="+strings.Repeat("x", 101))
	if status != http.StatusBadRequest {
		t.Fatalf("status = %d, want 400", status)
	}
}

func TestUnknownRouteAndMethod(t *testing.T) {
	_, ts := newTestServer(t)
	if status, _ := do(t, http.MethodGet, ts.URL+"/nope"); status != http.StatusNotFound {
		t.Fatalf("GET /nope = %d, want 404", status)
	}
	if status, _ := do(t, http.MethodPost, ts.URL+"/api/hello"); status != http.StatusMethodNotAllowed {
		t.Fatalf("POST /api/hello = %d, want 405", status)
	}
}

func TestMetricsCountRequestsByRoute(t *testing.T) {
	_, ts := newTestServer(t)
	do(t, http.MethodGet, ts.URL+"/api/hello")
	do(t, http.MethodGet, ts.URL+"/does-not-exist")

	status, body := do(t, http.MethodGet, ts.URL+"/metrics")
	if status != http.StatusOK {
		t.Fatalf("GET /metrics = %d, want 200", status)
	}
	for _, want := range []string{
		`http_requests_total{method="GET",route="/api/hello",status_code="200"} 1`,
		`http_requests_total{method="GET",route="unmatched",status_code="404"} 1`,
		`http_request_duration_seconds_bucket`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	// Unknown paths share one label value, so scanners cannot explode the series count.
	if strings.Contains(body, "does-not-exist") {
		t.Error("metrics contain a raw unknown path")
	}
}
