package form

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Registry holds the published versions of forms. A registered (ID,
// Version) is immutable: registering it again with the same content is a
// no-op, with other content it is ErrVersionConflict. A Registry is safe
// for concurrent use.
type Registry struct {
	now   func() time.Time
	mu    sync.RWMutex
	forms map[string][]*entry // by ID, ascending version
}

type entry struct {
	form         *Form
	canonical    []byte
	registeredAt time.Time
}

// RegistryOptions configures a Registry. nil means defaults.
type RegistryOptions struct {
	// Now stamps registrations. Defaults to time.Now.
	Now func() time.Time
}

// NewRegistry returns an empty registry.
func NewRegistry(opts *RegistryOptions) *Registry {
	r := &Registry{now: time.Now, forms: map[string][]*entry{}}
	if opts != nil && opts.Now != nil {
		r.now = opts.Now
	}
	return r
}

// Register publishes a form version. The registry keeps its own copy, so
// later changes to f do not affect it. It returns the *DefinitionError of
// a form with lint problems, or ErrVersionConflict.
func (r *Registry) Register(f *Form) error {
	if err := f.Err(); err != nil {
		return err
	}
	canonical, err := f.MarshalJSON()
	if err != nil {
		return err
	}
	cp := new(Form)
	if err := json.Unmarshal(canonical, cp); err != nil {
		return fmt.Errorf("form: copy %s: %w", f.ID, err)
	}
	if err := cp.Err(); err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	versions := r.forms[f.ID]
	i, found := slices.BinarySearchFunc(versions, f.Version, func(e *entry, v int) int { return cmp.Compare(e.form.Version, v) })
	if found {
		if bytes.Equal(versions[i].canonical, canonical) {
			return nil
		}
		return fmt.Errorf("%w: %s version %d", ErrVersionConflict, f.ID, f.Version)
	}
	r.forms[f.ID] = slices.Insert(versions, i, &entry{form: cp, canonical: canonical, registeredAt: r.now().UTC()})
	return nil
}

// MustRegister is Register for definitions shipped with a program; it
// panics on error.
func (r *Registry) MustRegister(f *Form) {
	if err := r.Register(f); err != nil {
		panic(err)
	}
}

// Get returns a registered version, or ErrNotFound. The returned form is
// shared: do not modify it.
func (r *Registry) Get(id string, version int) (*Form, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	versions := r.forms[id]
	i, found := slices.BinarySearchFunc(versions, version, func(e *entry, v int) int { return cmp.Compare(e.form.Version, v) })
	if !found {
		return nil, fmt.Errorf("%w: %s version %d", ErrNotFound, id, version)
	}
	return versions[i].form, nil
}

// Latest returns the newest version of a form, or ErrNotFound.
func (r *Registry) Latest(id string) (*Form, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	versions := r.forms[id]
	if len(versions) == 0 {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	return versions[len(versions)-1].form, nil
}

// Versions lists the registered versions of a form in ascending order.
func (r *Registry) Versions(id string) []int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]int, 0, len(r.forms[id]))
	for _, e := range r.forms[id] {
		out = append(out, e.form.Version)
	}
	return out
}

// SupersededAt returns when a newer version of the form than version was
// registered, and false while version is the latest. Drafts on an older
// version use it to compute their migration deadline.
func (r *Registry) SupersededAt(id string, version int) (time.Time, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, e := range r.forms[id] {
		if e.form.Version > version {
			return e.registeredAt, true
		}
	}
	return time.Time{}, false
}

// Catalogue returns the latest version of every form offered to audience
// (all forms when audience is empty), ordered by Swedish title (in
// Swedish alphabetical order, see CompareSwedish) then ID.
func (r *Registry) Catalogue(audience Audience) []*Form {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []*Form
	for _, versions := range r.forms {
		f := versions[len(versions)-1].form
		if audience == "" || f.Accepts(audience) {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b *Form) int {
		return cmp.Or(CompareSwedish(a.Title.SV, b.Title.SV), cmp.Compare(a.ID, b.ID))
	})
	return out
}
