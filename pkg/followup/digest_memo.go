package followup

import (
	"sync"
	"time"

	"github.com/warmlead/warmlead/pkg/warmlead"
)

// digestMemo remembers the digest entries this instance has written, so
// that the notifications of one member's digest period schedule their
// digest once, not once per batch. A 10,000-recipient fan-out of daily
// new_lead notifications arrives in many batches, and each used to write the
// same entries again.
//
// Skipping the write is safe while the period has not ended: the sweep
// takes a digest entry only once its time (the period's end) has come, so
// until then the entry this instance wrote is still there. Within
// digestMemoMargin of the end, and after it, every batch writes the entry
// again, as before. Entries written by another instance are not known
// here; those are written again, which is harmless.
type digestMemo struct {
	mu      sync.Mutex
	written map[digestKey]time.Time // the entry's time
}

type digestKey struct {
	member    string
	frequency warmlead.Frequency
	period    string
}

// digestMemoMargin is how long before a digest entry's time this instance
// stops trusting that the entry is still there.
const digestMemoMargin = 15 * time.Minute

// digestMemoMax bounds the memo: past it, entries whose time has come are
// forgotten, or every entry if that is not enough.
const digestMemoMax = 50_000

func memoKey(d *warmlead.Due) digestKey {
	return digestKey{member: d.MemberID, frequency: d.Frequency, period: d.Period}
}

// unwritten returns ds without the digest entries this instance wrote and
// can still trust to be there at now.
func (m *digestMemo) unwritten(ds []*warmlead.Due, now time.Time) []*warmlead.Due {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := ds[:0:0]
	for _, d := range ds {
		if at, ok := m.written[memoKey(d)]; ok && d.Kind == warmlead.DueDigest && at.Equal(d.At) && now.Before(at.Add(-digestMemoMargin)) {
			continue
		}
		out = append(out, d)
	}
	return out
}

// remember records the digest entries of ds, just written.
func (m *digestMemo) remember(ds []*warmlead.Due, now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.written == nil {
		m.written = map[digestKey]time.Time{}
	}
	for _, d := range ds {
		if d.Kind == warmlead.DueDigest {
			m.written[memoKey(d)] = d.At
		}
	}
	if len(m.written) <= digestMemoMax {
		return
	}
	for k, at := range m.written {
		if !now.Before(at.Add(-digestMemoMargin)) {
			delete(m.written, k)
		}
	}
	if len(m.written) > digestMemoMax {
		clear(m.written)
	}
}
