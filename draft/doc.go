// Package draft keeps unfinished applications ("Spara"): owner-scoped,
// revisioned, sealed and expiring drafts of a form version, with their
// attachments.
//
// A draft belongs to the pair (actor, party): a person acting for
// themselves, or for one organisation. It is pinned to the form version it
// was created with; when a newer version is registered it keeps working
// until a deadline (Options.MigrationGrace), and Migrate moves it to the
// latest version, reporting exactly which answers were dropped.
//
//	ring, _ := draft.NewKeyRing(pseudonymKey, activeKey, olderKeys...)
//	store, _ := draft.NewStore(db, forms, ring, nil)
//	d, _ := store.Create(ctx, who, "parkeringstillstand", nil)
//	d, err := store.Save(ctx, who, d.ID, draft.SaveParams{Revision: d.Revision, Values: values})
//
// # Access control
//
// Every operation takes the acting identity.Principal. Anyone but the
// owner, including the same person in another capacity and any officer,
// gets ErrNotFound, the same as for a draft that does not exist. Reading or
// changing a draft needs an e-ID login no older than Options.MaxAuthAge and
// an assurance level at least the form's (ErrLoginRequired otherwise);
// listing drafts for Mina sidor does not. A saved draft is not a public
// record: no officer API reaches it.
//
// # Sealing
//
// Values and attachments are encrypted with AES-256-GCM under a KeyRing
// (key IDs, one active key, old keys for reading; Reseal and the Janitor
// move content to the active key). The additional data binds the draft ID,
// the owner, the form ID and version, the revision and the key, so an
// edited, swapped or replayed ciphertext fails with ErrTampered and a
// security log line without personal data. The database holds no plaintext
// personal data: the owner is stored as a keyed hash (HMAC-SHA256).
//
// # Expiry
//
// Drafts expire after Options.TTL of inactivity (default 90 days). A
// Janitor (Run(ctx); no goroutines from constructors) deletes expired
// drafts with their attachments in bounded batches and calls a hook for
// drafts about to expire, so that the application can notify the owner.
//
// # Errors
//
// ErrNotFound, ErrConflict (a stale revision: another tab saved first),
// ErrTampered, ErrExpired, ErrLoginRequired, ErrNotPermitted,
// ErrMigrationRequired, ErrTooLarge, ErrTooManyAttachments, ErrFileType,
// ErrInvalid and ErrKeyMissing, for errors.Is. Invalid answers are a
// *form.ValidationError; nothing is saved then.
package draft
