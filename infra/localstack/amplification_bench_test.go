package localstack

import (
	"slices"
	"strings"
	"testing"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// itemsWritten is what creating an open posting writes: the posting and
// one search-index entry per index key of its words (docs/table.md, "Search").
func itemsWritten(p *warmlead.Posting) int { return 1 + len(warmlead.PostingTerms(p).Keys()) }

// BenchmarkIndexAmplification reports the search index's write
// amplification over the demo postings (median and max items per posting)
// and for a posting with a 2,000-character description (not indexed, so the
// same as with a one-line one).
func BenchmarkIndexAmplification(b *testing.B) {
	var counts []int
	for i := 0; i < b.N; i++ {
		counts = counts[:0]
		for _, l := range discoveryPostings() {
			counts = append(counts, itemsWritten(&l.p))
		}
	}
	slices.Sort(counts)
	b.ReportMetric(float64(counts[len(counts)/2]), "demo-median-items")
	b.ReportMetric(float64(counts[0]), "demo-min-items")
	b.ReportMetric(float64(counts[len(counts)-1]), "demo-max-items")
	long := discoveryPostings()[0].p
	short := long
	long.Description = strings.Repeat("Interviews, synthesis, research operations and usability studies. ", 40)[:2000]
	b.ReportMetric(float64(itemsWritten(&long)), "long-description-items")
	b.ReportMetric(float64(itemsWritten(&short)), "short-description-items")
}

func TestDiscoveryPostingsAreValidAndIndexable(t *testing.T) {
	for _, l := range discoveryPostings() {
		p := l.p
		if n := itemsWritten(&p); n > warmlead.MaxIndexKeys+1 {
			t.Errorf("%q writes %d items", p.Title, n)
		}
	}
}
