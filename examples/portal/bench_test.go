package main

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/etjanst/etjanst/identity/bankid/bankidtest"
)

// timing records the duration of every HTTP round trip.
type timing struct {
	next http.RoundTripper
	mu   sync.Mutex
	d    []time.Duration
}

func (t *timing) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.next.RoundTrip(r)
	d := time.Since(start)
	t.mu.Lock()
	t.d = append(t.d, d)
	t.mu.Unlock()
	return resp, err
}

func (t *timing) percentile(p float64) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.d) == 0 {
		return 0
	}
	s := slices.Clone(t.d)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

// BenchmarkPortalApplications drives simulated applicants through the
// portal's HTTP interface concurrently, as browsers without JavaScript do:
// log in with the BankID fake (start, simulated scan, continue), start
// parkeringstillstånd, save and go on through every step (files uploaded
// as multipart), review and submit. It reports completed applications per
// second and the p50 and p99 of single requests. Compare it in the same
// run with the library's own submit benchmark:
//
//	go test -run '^$' -bench 'PortalApplications|Submit/etjanst-sqlite' ./examples/portal ./submission
func BenchmarkPortalApplications(b *testing.B) {
	for _, workers := range []int{1, 8} {
		b.Run(fmt.Sprintf("applicants=%d", workers), func(b *testing.B) {
			tp := startPortalWith(b, func(c *config) { c.loginsPerMinute = 1 << 20 })
			persons := bankidtest.Persons()
			tm := &timing{next: http.DefaultTransport}
			png := pngFile(b)
			var done atomic.Int64
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			start := time.Now()
			for w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					pnr := persons[w%len(persons)].PersonalNumber
					for next.Add(1) <= int64(b.N) {
						c := tp.client(b)
						c.hc.Transport = tm
						applyBench(b, tp, c, pnr, png)
						done.Add(1)
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			b.ReportMetric(float64(done.Load())/elapsed.Seconds(), "apps/s")
			b.ReportMetric(float64(tm.percentile(0.50).Microseconds())/1000, "p50-ms/req")
			b.ReportMetric(float64(tm.percentile(0.99).Microseconds())/1000, "p99-ms/req")
			b.ReportMetric(float64(len(tm.d))/float64(max(1, done.Load())), "req/app")
		})
	}
}

// applyBench is one application, failing the benchmark on any surprise.
func applyBench(b *testing.B, tp *testPortal, c *client, pnr string, png []byte) {
	c.login(pnr)
	if c.url == "/login/roll" {
		c.post("/login/roll", url.Values{"party": {"self"}})
	}
	c.post("/e-tjanster/parkeringstillstand/starta", nil)
	answers := parkeringAnswers(pnr, tp.clock.Now())
	for _, step := range []string{"sokande", "tillstand", "halsa", "intyg", "granska"} {
		if c.status != http.StatusOK || !draftURL.MatchString(c.url) {
			b.Fatalf("on %s (%d) before step %s", c.url, c.status, step)
		}
		c.step("save", answers[step])
		if step == "intyg" {
			c.stepFiles("next", answers[step], map[string]map[string][]byte{
				"file:lakarintyg": {"intyg.pdf": pdfFile}, "file:foto": {"foto.png": png},
			})
			continue
		}
		// After "Spara" the driving licence question of tillstand is
		// already on the page, so "Nästa" goes straight on.
		c.step("next", answers[step])
	}
	c.post(c.url[:len(c.url)-len("/granska")]+"/skicka", nil)
	if c.status != http.StatusOK {
		b.Fatalf("submit: %d %s", c.status, c.url)
	}
}
