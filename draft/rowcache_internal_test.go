package draft

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/storage"
)

// TestRowCacheBounds: the cache never holds more entries or payload bytes
// than its limits, keeps a payload only up to 1/16 of its budget, and
// accounts for replaced and dropped entries.
func TestRowCacheBounds(t *testing.T) {
	t.Parallel()
	row := func(i, size int) *storage.DraftRow {
		return &storage.DraftRow{ID: fmt.Sprint("d", i), Owner: "o", Revision: 1, Payload: make([]byte, size)}
	}
	tests := []struct {
		name             string
		max, maxBytes    int
		puts             []*storage.DraftRow
		wantLen          int
		wantBytes        int
		wantPayloadOf    string // an entry that must have its payload
		wantNoPayloadFor string // an entry kept without its payload
	}{
		{name: "within limits", max: 10, maxBytes: 1600, puts: []*storage.DraftRow{row(1, 100), row(2, 100)},
			wantLen: 2, wantBytes: 200, wantPayloadOf: "d2"},
		{name: "replacing an entry", max: 10, maxBytes: 1600, puts: []*storage.DraftRow{row(1, 100), row(1, 50)},
			wantLen: 1, wantBytes: 50, wantPayloadOf: "d1"},
		{name: "too large a payload", max: 10, maxBytes: 1600, puts: []*storage.DraftRow{row(1, 101)},
			wantLen: 1, wantBytes: 0, wantNoPayloadFor: "d1"},
		{name: "byte budget", max: 100, maxBytes: 1600, puts: func() (rs []*storage.DraftRow) {
			for i := range 40 {
				rs = append(rs, row(i, 100))
			}
			return rs
		}(), wantLen: 16, wantBytes: 1600, wantPayloadOf: "d39"},
		{name: "entry limit", max: 5, maxBytes: 1600, puts: func() (rs []*storage.DraftRow) {
			for i := range 40 {
				rs = append(rs, row(i, 10))
			}
			return rs
		}(), wantLen: 5, wantBytes: 50, wantPayloadOf: "d39"},
		{name: "off", max: 0, maxBytes: 1600, puts: []*storage.DraftRow{row(1, 10)}},
		{name: "no payloads (Options.CacheBytes < 0)", max: 10, maxBytes: 0, puts: []*storage.DraftRow{row(1, 10)},
			wantLen: 1, wantBytes: 0, wantNoPayloadFor: "d1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := newRowCache(tc.max, tc.maxBytes)
			for _, r := range tc.puts {
				c.put(r)
				require.LessOrEqual(t, len(c.m), max(tc.max, 0))
				require.LessOrEqual(t, c.bytes, tc.maxBytes)
			}
			require.Len(t, c.m, tc.wantLen)
			require.Equal(t, tc.wantBytes, c.bytes)
			if tc.wantPayloadOf != "" {
				r, ok := c.get("o", tc.wantPayloadOf)
				require.True(t, ok, "the latest entry is kept")
				require.NotNil(t, r.Payload)
			}
			if tc.wantNoPayloadFor != "" {
				r, ok := c.get("o", tc.wantNoPayloadFor)
				require.True(t, ok)
				require.Nil(t, r.Payload)
			}
			for k := range c.m {
				c.deleteLocked(k)
			}
			require.Zero(t, c.bytes, "dropping every entry gives back every byte")
		})
	}
}
