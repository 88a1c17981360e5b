// Package submission turns a complete draft into a registered public
// record (inkommen handling) and flags its confidential personal data on
// arrival, so that a secrecy review under offentlighets- och
// sekretesslagen (OSL) can decide what may be disclosed.
//
// Pipeline.Submit re-validates every visible step at the draft's form
// version, registers the case with a reference from a gap-free yearly
// sequence ("ETJ 2026/000042"), the time of arrival, the sender, mandate
// and e-ID evidence, and a SHA-256 digest over the canonical record;
// classifies personal data into secrecy flags; and commits record,
// documents, flags, notices (through a Notifier, in the same transaction),
// the removal of the draft and the first entry of the case's hash-chained
// audit log in one transaction. Retries return the first receipt.
//
//	p, err := submission.NewPipeline(db, drafts, &submission.Options{Notifier: n})
//	receipt, err := p.Submit(ctx, who, draftID, nil)
//	err = p.Verify(ctx, receipt.CaseID) // nil while the record is untouched
//
// # Access control
//
// Submit takes the applicant's Principal; another person's draft, or the
// same person acting in another capacity, is ErrNotFound, like a missing
// one. No API edits a record: complements are new documents.
//
// # Errors
//
// ErrIncomplete (with *IncompleteError and *form.ValidationError),
// ErrNotFound, ErrDigestMismatch (Verify) and ErrAuditChain
// (VerifyAuditLog); draft errors are wrapped (errors.Is works).
package submission
