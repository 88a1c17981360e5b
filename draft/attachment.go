package draft

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/storage"
)

// AttachParams are the parameters of Attach.
type AttachParams struct {
	// Revision is the draft revision the caller read.
	Revision int64
	// Field is the ID of a top-level file field of the draft's form.
	Field string
	// Name is the file's name as uploaded; it is sealed with the bytes.
	Name string
	// Data is the file's content.
	Data []byte
}

// Attach stores a file on the principal's draft and adds its reference to
// the field's answer, in one transaction. The content type is sniffed from
// the bytes and must be accepted by the field; the file is sealed at rest
// with its SHA-256 recorded. It returns the updated draft and the
// reference, or ErrFileType, ErrTooLarge, ErrTooManyAttachments,
// ErrInvalid (unknown or non-file field, empty file), ErrConflict and the
// errors of Get.
func (s *Store) Attach(ctx context.Context, who identity.Principal, id string, p AttachParams) (*Draft, form.FileRef, error) {
	key, o, err := s.access(who, true)
	if err != nil {
		return nil, form.FileRef{}, err
	}
	if len(p.Data) == 0 {
		return nil, form.FileRef{}, fmt.Errorf("%w: empty file", ErrInvalid)
	}
	if int64(len(p.Data)) > s.opts.MaxAttachmentBytes {
		return nil, form.FileRef{}, fmt.Errorf("%w: file of %d bytes (max %d)", ErrTooLarge, len(p.Data), s.opts.MaxAttachmentBytes)
	}
	name := cleanName(p.Name)
	ct := sniff(p.Data)
	sum := sha256.Sum256(p.Data)
	ref := form.FileRef{ID: uuid.NewString(), Name: name, ContentType: ct, Size: int64(len(p.Data)), SHA256: hex.EncodeToString(sum[:])}

	var out *Draft
	err = storage.WithTx(ctx, s.db, func(ctx context.Context, tx storage.Tx) error {
		row, f, err := s.load(ctx, tx, who, key, id)
		if err != nil {
			return err
		}
		if row.Revision != p.Revision {
			return ErrConflict
		}
		fd, _ := f.Field(p.Field)
		if fd == nil || fd.Type != form.TypeFile {
			return fmt.Errorf("%w: %q is not a file field", ErrInvalid, p.Field)
		}
		if !fd.AcceptsType(ct) {
			return fmt.Errorf("%w: %s", ErrFileType, ct)
		}
		maxSize := fd.MaxSize
		if maxSize == 0 {
			maxSize = form.DefaultFileMaxSize
		}
		if ref.Size > maxSize {
			return fmt.Errorf("%w: file of %d bytes (field max %d)", ErrTooLarge, ref.Size, maxSize)
		}
		values, err := s.openValues(row, o, f)
		if err != nil {
			return err
		}
		refs := values[p.Field].Files()
		if len(refs) >= max(fd.MaxFiles, 1) {
			return fmt.Errorf("%w: field takes at most %d", ErrTooManyAttachments, max(fd.MaxFiles, 1))
		}
		sealed, keyID, err := s.sealFile(ref, row.ID, key, p.Field, p.Data)
		if err != nil {
			return err
		}
		_, err = tx.AttachmentInsert(ctx, &storage.AttachmentInsertParams{
			ID: ref.ID, DraftID: row.ID, Owner: key, FieldPath: p.Field, ContentType: ct, Size: ref.Size,
			SHA256: sum[:], KeyID: keyID, Payload: sealed, CreatedAt: storage.Time(s.opts.Now()),
			MaxCount: s.opts.MaxAttachments, MaxBytes: s.opts.MaxDraftAttachmentBytes,
		})
		if err != nil {
			if errors.Is(err, storage.ErrLimit) {
				return fmt.Errorf("%w: at most %d files and %d bytes per draft", ErrTooManyAttachments, s.opts.MaxAttachments, s.opts.MaxDraftAttachmentBytes)
			}
			return s.wrap("attach", row.ID, err)
		}
		values[p.Field] = form.Files(append(refs, ref)...)
		out, err = s.rewrite(ctx, tx, row, key, o, f, values)
		return err
	})
	if err != nil {
		return nil, form.FileRef{}, err
	}
	return out, ref, nil
}

// rewrite re-checks values partially and stores them at the next revision.
func (s *Store) rewrite(ctx context.Context, tx storage.Tx, row *storage.DraftRow, key string, o owner, f *form.Form, values form.Values) (*Draft, error) {
	res, err := f.Check(ctx, values, &form.CheckOptions{Mode: form.Partial, Now: s.opts.Now})
	if err != nil {
		return nil, fmt.Errorf("draft: %s: %w", row.ID, err)
	}
	// Keep answers as they were even when hidden: the attachment changes
	// only its own field. Type problems elsewhere were already refused on
	// save.
	res.Values = values
	updated, err := s.update(ctx, tx, row, key, o, f, row.Step, res)
	if err != nil {
		return nil, err
	}
	return s.draftFrom(updated, values), nil
}

// Detach removes an attachment from the principal's draft and its
// reference from the field's answer, in one transaction.
func (s *Store) Detach(ctx context.Context, who identity.Principal, id string, revision int64, attachmentID string) (*Draft, error) {
	key, o, err := s.access(who, true)
	if err != nil {
		return nil, err
	}
	var out *Draft
	err = storage.WithTx(ctx, s.db, func(ctx context.Context, tx storage.Tx) error {
		row, f, err := s.load(ctx, tx, who, key, id)
		if err != nil {
			return err
		}
		if row.Revision != revision {
			return ErrConflict
		}
		values, err := s.openValues(row, o, f)
		if err != nil {
			return err
		}
		if err := tx.AttachmentDelete(ctx, &storage.AttachmentDeleteParams{ID: attachmentID, DraftID: id, Owner: key}); err != nil {
			return s.wrap("detach", id, err)
		}
		for field, v := range values {
			if v.Kind() != form.KindFiles {
				continue
			}
			refs := v.Files()
			kept := refs[:0]
			for _, r := range refs {
				if r.ID != attachmentID {
					kept = append(kept, r)
				}
			}
			if len(kept) == 0 {
				delete(values, field)
			} else {
				values[field] = form.Files(kept...)
			}
		}
		out, err = s.rewrite(ctx, tx, row, key, o, f, values)
		return err
	})
	return out, err
}

// Attachment is an opened attachment.
type Attachment struct {
	form.FileRef
	// Field is the file field it belongs to.
	Field string
	// Data is the file's content, verified against its SHA-256.
	Data []byte
}

// OpenAttachment returns one attachment of the principal's draft with its
// content. It returns ErrNotFound for anyone else's draft or attachment and
// ErrTampered when the sealed file or its digest does not verify.
func (s *Store) OpenAttachment(ctx context.Context, who identity.Principal, id, attachmentID string) (*Attachment, error) {
	key, _, err := s.access(who, true)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.load(ctx, s.db, who, key, id); err != nil {
		return nil, err
	}
	row, err := s.db.AttachmentGet(ctx, &storage.AttachmentGetParams{ID: attachmentID, DraftID: id, Owner: key})
	if err != nil {
		return nil, s.wrap("attachment", id, err)
	}
	name, data, err := s.openFile(row)
	if err != nil {
		return nil, err
	}
	return &Attachment{
		FileRef: form.FileRef{ID: row.ID, Name: name, ContentType: row.ContentType, Size: row.Size, SHA256: hex.EncodeToString(row.SHA256)},
		Field:   row.FieldPath,
		Data:    data,
	}, nil
}

// attachmentAAD binds a sealed file to its attachment, draft, owner, field
// and digest.
func attachmentAAD(id, draftID, ownerKey, field string, sum []byte, keyID string) []byte {
	return []byte("etjanst.attachment.v1\x00" + id + "\x00" + draftID + "\x00" + ownerKey + "\x00" + field + "\x00" + hex.EncodeToString(sum) + "\x00" + keyID)
}

func (s *Store) sealFile(ref form.FileRef, draftID, key, field string, data []byte) ([]byte, string, error) {
	sum, _ := hex.DecodeString(ref.SHA256)
	buf := make([]byte, 0, binary.MaxVarintLen64+len(ref.Name)+len(data))
	buf = binary.AppendUvarint(buf, uint64(len(ref.Name)))
	buf = append(buf, ref.Name...)
	buf = append(buf, data...)
	keyID, sealed, err := s.keys.seal(buf, attachmentAAD(ref.ID, draftID, key, field, sum, s.keys.ActiveKeyID()))
	return sealed, keyID, err
}

func (s *Store) openFile(row *storage.AttachmentRow) (string, []byte, error) {
	plain, err := s.keys.open(row.KeyID, row.Payload, attachmentAAD(row.ID, row.DraftID, row.Owner, row.FieldPath, row.SHA256, row.KeyID))
	if err == nil {
		n, size := binary.Uvarint(plain)
		if size > 0 && n <= uint64(len(plain)-size) {
			name, data := string(plain[size:size+int(n)]), plain[size+int(n):]
			if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) == hex.EncodeToString(row.SHA256) {
				return name, data, nil
			}
		}
		err = ErrTampered
	}
	if errors.Is(err, ErrTampered) {
		s.log.Warn("draft: sealed attachment failed verification", slog.String(logDraftID, row.DraftID),
			slog.String("attachment_id", row.ID), slog.String(logKeyID, row.KeyID), slog.String("event", "security"))
	}
	return "", nil, fmt.Errorf("draft: open attachment %s: %w", row.ID, err)
}

// cleanName keeps the base name of an uploaded file, without control
// characters, at most 255 characters.
func cleanName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	name = filepath.Base(name)
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == "/" {
		name = "bilaga"
	}
	if utf8.RuneCountInString(name) > 255 {
		name = string([]rune(name)[:255])
	}
	return name
}
