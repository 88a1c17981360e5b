package submission

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/etjanst/etjanst/storage"
)

// AuditEntry is one event in a case's audit log. Data never holds
// personal data or case contents: IDs, statuses and counts only.
type AuditEntry struct {
	Seq   int64
	At    time.Time
	Actor string // masked subject ("se-pnr:19121212-****"), "officer:<id>" or "system"
	Event string // "submitted", "read", "acknowledged", ...
	Data  []byte // JSON
	// PrevHash is the hash of the previous entry (32 zero bytes for the
	// first); Hash covers this entry's fields and PrevHash.
	PrevHash []byte
	Hash     []byte
}

var genesis = make([]byte, sha256.Size)

// entryHash chains an entry to its predecessor. Every field is
// length-prefixed, so no two different entries hash alike.
func entryHash(caseID string, seq int64, at time.Time, actor, event string, data, prev []byte) []byte {
	h := sha256.New()
	write := func(b []byte) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	write([]byte("etjanst.audit.v1"))
	write([]byte(caseID))
	write(binary.BigEndian.AppendUint64(nil, uint64(seq)))
	write(binary.BigEndian.AppendUint64(nil, uint64(storage.Time(at).UnixMicro())))
	write([]byte(actor))
	write([]byte(event))
	write(data)
	write(prev)
	return h.Sum(nil)
}

// appendAudit appends an event to a case's audit log inside ex (a Tx),
// chaining it to the case's current audit head.
func appendAudit(ctx context.Context, ex storage.Executor, c *storage.CaseRow, at time.Time, actor, event string, data []byte) (*storage.CaseRow, error) {
	entry := auditRow(c.ID, c.AuditSeq, c.AuditHead, at, actor, event, data)
	if err := ex.AuditAppend(ctx, &storage.AuditAppendParams{Entry: entry}); err != nil {
		return nil, fmt.Errorf("submission: audit %s: %w", c.ID, err)
	}
	cp := *c
	cp.AuditSeq, cp.AuditHead = entry.Seq, entry.Hash
	return &cp, nil
}

// auditRow returns the entry that follows entry seq (0: none) with hash
// head in a case's audit log, chained to it.
func auditRow(caseID string, seq int64, head []byte, at time.Time, actor, event string, data []byte) storage.AuditRow {
	if data == nil {
		data = []byte("{}")
	}
	prev := head
	if seq == 0 {
		prev = genesis
	}
	hash := entryHash(caseID, seq+1, at, actor, event, data, prev)
	return storage.AuditRow{CaseID: caseID, Seq: seq + 1, At: storage.Time(at), Actor: actor, Event: event, Data: data,
		PrevHash: prev, Hash: hash}
}

// Audit appends an event to a case's audit log inside tx, chained to the
// previous entry. Data (JSON, may be nil) must not hold personal data or
// case contents. Case handling calls it for every event, including each
// read by an officer.
func Audit(ctx context.Context, tx storage.Tx, caseID string, at time.Time, actor, event string, data []byte) error {
	c, err := tx.CaseGet(ctx, &storage.CaseGetParams{ID: caseID})
	if err != nil {
		return fmt.Errorf("submission: audit %s: %w", caseID, mapNotFound(err))
	}
	_, err = appendAudit(ctx, tx, c, at, actor, event, data)
	return err
}

// AuditLog returns a case's audit entries in order.
func AuditLog(ctx context.Context, ex storage.Executor, caseID string) ([]AuditEntry, error) {
	rows, err := ex.AuditList(ctx, &storage.AuditListParams{CaseID: caseID})
	if err != nil {
		return nil, fmt.Errorf("submission: audit log %s: %w", caseID, err)
	}
	out := make([]AuditEntry, len(rows))
	for i, r := range rows {
		out[i] = AuditEntry{Seq: r.Seq, At: r.At, Actor: r.Actor, Event: r.Event, Data: r.Data, PrevHash: r.PrevHash, Hash: r.Hash}
	}
	return out, nil
}

// VerifyAuditLog recomputes the hash chain of a case's audit log. It
// returns an error wrapping ErrAuditChain when an entry was edited,
// deleted or reordered, or the case's recorded head does not match the
// last entry (a truncated log).
func VerifyAuditLog(ctx context.Context, ex storage.Executor, caseID string) error {
	c, err := ex.CaseGet(ctx, &storage.CaseGetParams{ID: caseID})
	if err != nil {
		return fmt.Errorf("submission: verify audit %s: %w", caseID, mapNotFound(err))
	}
	rows, err := ex.AuditList(ctx, &storage.AuditListParams{CaseID: caseID})
	if err != nil {
		return fmt.Errorf("submission: verify audit %s: %w", caseID, err)
	}
	prev := genesis
	for i, r := range rows {
		switch {
		case r.Seq != int64(i+1):
			return fmt.Errorf("%w: %s: entry %d missing or out of order", ErrAuditChain, caseID, i+1)
		case !bytes.Equal(r.PrevHash, prev):
			return fmt.Errorf("%w: %s: entry %d does not follow entry %d", ErrAuditChain, caseID, r.Seq, r.Seq-1)
		case !bytes.Equal(r.Hash, entryHash(caseID, r.Seq, r.At, r.Actor, r.Event, r.Data, r.PrevHash)):
			return fmt.Errorf("%w: %s: entry %d was changed", ErrAuditChain, caseID, r.Seq)
		}
		prev = r.Hash
	}
	if int64(len(rows)) != c.AuditSeq || (len(rows) > 0 && !bytes.Equal(prev, c.AuditHead)) {
		return fmt.Errorf("%w: %s: log ends at entry %d, case records %d", ErrAuditChain, caseID, len(rows), c.AuditSeq)
	}
	return nil
}
