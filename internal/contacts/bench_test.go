package contacts_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"rapport/internal/clock"
	"rapport/internal/contacts"
	"rapport/internal/store/storetest"
)

// BenchmarkImport100k imports 100,000 rows into a fresh store per
// iteration and reports rows per second, on each dialect:
//
//	go test -run='^$' -bench=Import100k -benchtime=1x ./internal/contacts/
func BenchmarkImport100k(b *testing.B) {
	const rows = 100_000
	var sb strings.Builder
	sb.WriteString("name,email,company,role,connection,timezone,linkedin\n")
	for i := 0; i < rows; i++ {
		fmt.Fprintf(&sb, "Person %d,p%d@example.org,Company %d,Engineer,alumni network,Europe/Berlin,in/p%d\n", i, i, i%100, i)
	}
	data := sb.String()
	for _, d := range storetest.Dialects {
		b.Run(d, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				s := storetest.Open(b, d, clock.NewFake(t0))
				acct, _ := s.Account(context.Background(), "me@example.com")
				svc := &contacts.Service{Store: s, Account: acct}
				b.StartTimer()
				rep, err := svc.ImportCSV(context.Background(), strings.NewReader(data), nil)
				if err != nil || rep.Added != rows {
					b.Fatalf("import: %v %+v", err, rep)
				}
				b.StopTimer()
				s.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
