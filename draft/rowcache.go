package draft

import (
	"sync"

	"github.com/etjanst/etjanst/storage"
)

// rowCache remembers the columns of recently written drafts (never their
// payload), keyed by owner and ID. Save uses an entry only when its
// revision is the one the caller read: every change of a draft's form
// version, step or expiry bumps the revision, and DraftUpdate checks that
// revision atomically, so a cached row at the caller's revision is exactly
// the stored one, and a stale entry can only make the update fail with
// ErrConflict or ErrNotFound. It saves one read per save. Only rows known
// to be committed are remembered (Create and Save write in transactions of
// their own); writes inside a caller's transaction only forget the entry.
// Each Store has its own; with several app instances an entry may be
// missing, never wrong. Attachment counters in an entry may be stale: Save
// does not use them.
type rowCache struct {
	mu  sync.Mutex
	max int
	m   map[string]storage.DraftRow
}

func newRowCache(max int) *rowCache { return &rowCache{max: max, m: map[string]storage.DraftRow{}} }

func cacheKey(owner, id string) string { return owner + "\x00" + id }

func (c *rowCache) get(owner, id string) (storage.DraftRow, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.m[cacheKey(owner, id)]
	return r, ok
}

func (c *rowCache) put(r *storage.DraftRow) {
	if c.max <= 0 {
		return
	}
	cp := *r
	cp.Payload = nil
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		for k := range c.m { // evict an arbitrary entry
			delete(c.m, k)
			break
		}
	}
	c.m[cacheKey(r.Owner, r.ID)] = cp
}

func (c *rowCache) drop(owner, id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, cacheKey(owner, id))
}
