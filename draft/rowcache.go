package draft

import (
	"sync"

	"github.com/etjanst/etjanst/storage"
)

// rowCache remembers recently written drafts, keyed by owner and ID: their
// columns, and their sealed payload while it fits the cache's byte budget.
//
// Save uses an entry's columns only when its revision is the one the
// caller read: every change of a draft's form version, step or expiry
// bumps the revision, and DraftUpdate checks that revision atomically, so
// a cached row at the caller's revision is exactly the stored one, and a
// stale entry can only make the update fail with ErrConflict or
// ErrNotFound. It saves one read per save.
//
// OpenForSubmit takes an entry that has its payload (the applicant
// typically submits moments after the last save), saving the read of the
// whole draft; an entry is used once. The payload is the sealed envelope
// exactly as written (never plaintext) and is opened and verified like a
// row read from the database. An entry may be out of date: another app
// instance saved, attached, migrated or deleted the draft since, or the
// stored row was tampered with. The submit catches that where it deletes
// the draft (DeleteTx removes it only while its revision and sealed bytes
// are those opened), and the submission pipeline retries once from the
// database whenever an attempt on a cached copy fails, whether at that
// delete or earlier (the copy was incomplete, or past a deadline).
//
// Only rows known to be committed are remembered (Create and Save write in
// transactions of their own); writes inside a caller's transaction
// (attachments, migration, submit) only forget the entry. Each Store has
// its own; with several app instances an entry may be missing or stale.
// Attachment counters in an entry may be stale (another instance, or an
// attachment committed while a Save remembered its row): the byte-exact
// delete makes that harmless too.
type rowCache struct {
	mu       sync.Mutex
	max      int // entries
	maxBytes int // payload bytes held in all
	bytes    int
	m        map[string]storage.DraftRow
}

func newRowCache(max, maxBytes int) *rowCache {
	return &rowCache{max: max, maxBytes: maxBytes, m: map[string]storage.DraftRow{}}
}

func cacheKey(owner, id string) string { return owner + "\x00" + id }

// get returns the entry of the owner's draft. Its payload, when not nil,
// is shared and must not be modified.
func (c *rowCache) get(owner, id string) (storage.DraftRow, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.m[cacheKey(owner, id)]
	return r, ok
}

// put remembers a committed row. Its payload is kept (not copied: sealed
// payloads are never modified) when it takes at most 1/16 of the byte
// budget; entries are evicted, in no particular order, to make room.
func (c *rowCache) put(r *storage.DraftRow) {
	if c.max <= 0 {
		return
	}
	cp := *r
	if len(cp.Payload) > c.maxBytes/16 {
		cp.Payload = nil
	}
	k := cacheKey(r.Owner, r.ID)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.deleteLocked(k)
	for k2 := range c.m { // evict arbitrary entries
		if len(c.m) < c.max && c.bytes+len(cp.Payload) <= c.maxBytes {
			break
		}
		c.deleteLocked(k2)
	}
	c.m[k] = cp
	c.bytes += len(cp.Payload)
}

func (c *rowCache) drop(owner, id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.deleteLocked(cacheKey(owner, id))
}

func (c *rowCache) deleteLocked(k string) {
	if r, ok := c.m[k]; ok {
		c.bytes -= len(r.Payload)
		delete(c.m, k)
	}
}
