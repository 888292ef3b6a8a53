package testoauth

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

func introspectVia(t *testing.T, base, token string) map[string]any {
	t.Helper()
	resp, err := http.PostForm(base+"/introspect", url.Values{"token": {token}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRouterSendsEachTokenToItsServer(t *testing.T) {
	a, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	router := httptest.NewServer(&Router{})
	defer router.Close()

	ta, _ := a.Issue("ann@rapport.test", "rapport-test")
	tb, _ := b.Issue("bob@rapport.test", "rapport-test")
	if got := introspectVia(t, router.URL, ta); got["active"] != true || got["username"] != "ann@rapport.test" {
		t.Fatalf("a: %v", got)
	}
	if got := introspectVia(t, router.URL, tb); got["active"] != true || got["username"] != "bob@rapport.test" {
		t.Fatalf("b: %v", got)
	}
	a.ExpireAccessTokens("ann@rapport.test")
	if got := introspectVia(t, router.URL, ta); got["active"] != false {
		t.Fatalf("expired: %v", got)
	}
	if got := introspectVia(t, router.URL, "not-a-test-token"); got["active"] != false {
		t.Fatalf("foreign: %v", got)
	}
	b.Close()
	if got := introspectVia(t, router.URL, tb); got["active"] != false {
		t.Fatalf("server gone: %v", got)
	}
	if c := a.Counts("ann@rapport.test"); c.Introspections != 2 || c.Active != 1 {
		t.Fatalf("counts %+v", c)
	}
}

func TestRevokedGrantEndsItsAccessTokens(t *testing.T) {
	s, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	at, rt := s.Issue("ann@rapport.test", "rapport-test")
	s.RevokeGrants("ann@rapport.test")
	if got := introspectVia(t, s.URL, at); got["active"] != false {
		t.Fatalf("access token of a revoked grant: %v", got)
	}
	resp, err := http.PostForm(s.TokenURL(), url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}, "client_id": {"rapport-test"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("refresh of a revoked grant: %s", resp.Status)
	}
}
