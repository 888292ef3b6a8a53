package testoauth

import (
	"context"
	"io"
	"log"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Router is what the real Dovecot's introspection_url points at: it sends
// each introspection request to the test server on 127.0.0.1 whose port
// the access token names, and answers {"active": false} for any other
// token or when that server is gone. It runs as a small daemon
// (cmd/testoauth-router) started with the mail stack, so tests in any
// number of processes can each run their own Server on a free port.
type Router struct {
	Client *http.Client // nil: a client with a 5 s timeout
	Log    *log.Logger  // nil: no log; never shows a token
}

func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/health":
		_, _ = io.WriteString(w, "ok\n")
		return
	case r.URL.Path != "/introspect" || r.Method != http.MethodPost:
		http.NotFound(w, r)
		return
	}
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	tok := r.PostForm.Get("token")
	port := PortOf(tok)
	if port == 0 {
		rt.logf("introspect: token of no test server: inactive")
		writeJSON(w, http.StatusOK, map[string]any{"active": false})
		return
	}
	hc := rt.Client
	if hc == nil {
		hc = &http.Client{Timeout: 5 * time.Second}
	}
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://127.0.0.1:"+strconv.Itoa(port)+"/introspect",
		strings.NewReader(url.Values{"token": {tok}}.Encode()))
	if err != nil {
		writeJSON(w, http.StatusOK, map[string]any{"active": false})
		return
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := hc.Do(req)
	if err != nil {
		rt.logf("introspect: test server on port %d unreachable: inactive", port)
		writeJSON(w, http.StatusOK, map[string]any{"active": false})
		return
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		writeJSON(w, http.StatusOK, map[string]any{"active": false})
		return
	}
	rt.logf("introspect: port %d answered %d", port, resp.StatusCode)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(body)
}

func (rt *Router) logf(format string, a ...any) {
	if rt.Log != nil {
		rt.Log.Printf(format, a...)
	}
}
