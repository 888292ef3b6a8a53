package classify

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParseClassify measures parse+classify per message over the
// labelled replies and the in-repository corpus (and the shared corpus
// when present): go test ./internal/classify -bench ParseClassify -run X
func BenchmarkParseClassify(b *testing.B) {
	var msgs [][]byte
	for _, g := range []string{filepath.Join("testdata", "replies", "*.eml"), filepath.Join("testdata", "corpus", "*.eml"), filepath.Join("..", "..", "..", "shared", "corpus", "messages", "*")} {
		files, _ := filepath.Glob(g)
		for _, f := range files {
			if raw, err := os.ReadFile(f); err == nil {
				msgs = append(msgs, raw)
			}
		}
	}
	if len(msgs) == 0 {
		b.Skip("no messages")
	}
	ctx := repliesCtx()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		m, err := Parse(msgs[i%len(msgs)], Limits{})
		if err != nil {
			continue
		}
		_ = Classify(m, ctx)
	}
}
