package draft

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/storage"
)

// Dropped is an answer Migrate could not carry to the new form version.
type Dropped struct {
	// Field is the field path in the old version ("barn[1].namn").
	Field string
	// Reason is "removed" (no such field in the new version),
	// "typeChanged" (the field holds another kind of value), or a
	// FieldError code of the new version ("choice", "maxLength", ...).
	Reason string
}

// MigrationReport tells what Migrate did.
type MigrationReport struct {
	From, To int
	// Dropped lists every answer that was not kept, in field order.
	Dropped []Dropped
	// Draft is the migrated draft.
	Draft *Draft
}

// Migrate moves the principal's draft to the latest version of its form.
// It keeps every answer whose field still exists with a compatible type
// and passes the new version's partial check, and reports exactly what was
// dropped. Attachments whose field is gone are deleted. Migrating a draft
// already on the latest version changes nothing. It returns ErrConflict
// when the draft changed since revision, and the errors of Get.
func (s *Store) Migrate(ctx context.Context, who identity.Principal, id string, revision int64) (*MigrationReport, error) {
	key, o, err := s.access(who, true)
	if err != nil {
		return nil, err
	}
	var rep *MigrationReport
	err = storage.WithTx(ctx, s.db, func(ctx context.Context, tx storage.Tx) error {
		row, old, err := s.load(ctx, tx, who, key, id)
		if err != nil {
			return err
		}
		if row.Revision != revision {
			return ErrConflict
		}
		values, err := s.openValues(row, o, old)
		if err != nil {
			return err
		}
		latest, err := s.forms.Latest(row.FormID)
		if err != nil {
			return fmt.Errorf("draft: migrate %s: %w", id, err)
		}
		rep = &MigrationReport{From: old.Version, To: latest.Version}
		if latest.Version == old.Version {
			rep.Draft = s.draftFrom(row, values)
			return nil
		}
		if err := requireAssurance(who, latest); err != nil {
			return err
		}
		kept := form.Values{}
		for _, fid := range slices.Sorted(maps.Keys(values)) {
			v := values[fid]
			nf, _ := latest.Field(fid)
			switch {
			case nf == nil:
				rep.Dropped = append(rep.Dropped, Dropped{Field: fid, Reason: "removed"})
			case nf.Type.Kind() != v.Kind():
				rep.Dropped = append(rep.Dropped, Dropped{Field: fid, Reason: "typeChanged"})
			case v.Kind() == form.KindGroup:
				kept[fid] = migrateGroup(fid, v, nf, rep)
			default:
				kept[fid] = v
			}
		}
		// Answers the new version refuses (a removed option, a tighter
		// bound) are dropped one by one until the rest passes.
		res, err := latest.Check(ctx, kept, &form.CheckOptions{Mode: form.Partial, Now: s.opts.Now})
		if err != nil {
			return fmt.Errorf("draft: migrate %s: %w", id, err)
		}
		for _, fe := range res.Errors {
			rep.Dropped = append(rep.Dropped, Dropped{Field: fe.Field, Reason: fe.Code})
			dropPath(kept, fe.Field)
		}
		if len(res.Errors) > 0 {
			if res, err = latest.Check(ctx, kept, &form.CheckOptions{Mode: form.Partial, Now: s.opts.Now}); err != nil {
				return fmt.Errorf("draft: migrate %s: %w", id, err)
			}
			if res.Err() != nil {
				return fmt.Errorf("draft: migrate %s: answers still invalid after dropping: %w", id, res.Err())
			}
		}
		// Hidden answers are not kept by the check; report them too.
		for fid := range kept {
			if _, ok := res.Values[fid]; !ok {
				rep.Dropped = append(rep.Dropped, Dropped{Field: fid, Reason: "hidden"})
			}
		}
		// Attachments of dropped file answers go with them.
		for fid, v := range values {
			if v.Kind() != form.KindFiles {
				continue
			}
			if _, ok := res.Values[fid]; ok {
				continue
			}
			for _, ref := range v.Files() {
				if err := tx.AttachmentDelete(ctx, &storage.AttachmentDeleteParams{ID: ref.ID, DraftID: id, Owner: key}); err != nil {
					return s.wrap("migrate", id, err)
				}
			}
		}
		slices.SortFunc(rep.Dropped, func(a, b Dropped) int { return cmp.Compare(a.Field, b.Field) })
		step := row.Step
		if latest.Step(step) == nil {
			step = latest.Steps[0].ID
		}
		updated, err := s.update(ctx, tx, row, key, o, latest, step, res)
		if err != nil {
			return err
		}
		rep.Draft = s.draftFrom(updated, res.Values)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// migrateGroup keeps the sub-answers of a group whose sub-field still
// exists with the same kind.
func migrateGroup(fid string, v form.Value, nf *form.Field, rep *MigrationReport) form.Value {
	subs := map[string]form.Kind{}
	for _, sf := range nf.Fields {
		subs[sf.ID] = sf.Type.Kind()
	}
	items := make([]form.Values, 0, len(v.Items()))
	for i, item := range v.Items() {
		out := form.Values{}
		for _, sid := range slices.Sorted(maps.Keys(item)) {
			sv := item[sid]
			path := fmt.Sprintf("%s[%d].%s", fid, i, sid)
			kind, ok := subs[sid]
			switch {
			case !ok:
				rep.Dropped = append(rep.Dropped, Dropped{Field: path, Reason: "removed"})
			case kind != sv.Kind():
				rep.Dropped = append(rep.Dropped, Dropped{Field: path, Reason: "typeChanged"})
			default:
				out[sid] = sv
			}
		}
		items = append(items, out)
	}
	return form.Group(items...)
}

// dropPath removes the answer at a field path ("f" or "g[i].f").
func dropPath(values form.Values, path string) {
	group, rest, nested := strings.Cut(path, "[")
	if !nested {
		delete(values, path)
		return
	}
	idxText, sub, _ := strings.Cut(rest, "].")
	idx, err := strconv.Atoi(idxText)
	items := values[group].Items()
	if err != nil || idx < 0 || idx >= len(items) || sub == "" {
		delete(values, group)
		return
	}
	cp := make([]form.Values, len(items))
	for k, it := range items {
		cp[k] = it.Clone()
	}
	delete(cp[idx], sub)
	values[group] = form.Group(cp...)
}
