package store_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"rapport/internal/clock"
	"rapport/internal/store/storetest"
)

// queryBlocks reads the named blocks of queries.sql.
func queryBlocks(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile("queries.sql")
	if err != nil {
		t.Fatal(err)
	}
	blocks := map[string]string{}
	name := ""
	for _, l := range strings.Split(string(b), "\n") {
		if n, ok := strings.CutPrefix(strings.TrimSpace(l), "-- name:"); ok {
			name = strings.TrimSpace(n)
			continue
		}
		if name == "" || strings.HasPrefix(strings.TrimSpace(l), "--") {
			continue
		}
		blocks[name] += l + "\n"
	}
	return blocks
}

// The digest reads through indexes only: SQLite's plan for every digest
// query searches an index and never scans a whole table or index.
func TestDigestQueriesUseIndexes(t *testing.T) {
	s := storetest.Open(t, "sqlite", clock.NewFake(t0))
	ctx := context.Background()
	n := 0
	for name, q := range queryBlocks(t) {
		if !strings.HasPrefix(name, "digest-") {
			continue
		}
		n++
		args := make([]any, strings.Count(q, "?"))
		for i := range args {
			args[i] = 1
		}
		rows, err := s.DB().QueryxContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		for _, step := range plan {
			if strings.HasPrefix(step, "SCAN ") { // a whole table, or a whole index
				t.Errorf("%s scans a table: %q\nplan: %q", name, step, plan)
			}
		}
	}
	if n != 7 {
		t.Errorf("checked %d digest queries, want 7", n)
	}
}
