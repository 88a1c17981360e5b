package forms

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"time"

	"github.com/etjanst/etjanst/form"
)

// The IDs of the example e-services.
const (
	Parkeringstillstand = "parkeringstillstand"
	Foreningsbidrag     = "foreningsbidrag"
	Varmepump           = "varmepump"
)

// SampleDate is the day (YYYY-MM-DD) as of which the sample answers in
// values/ are valid. Some date fields are bounded relative to the day of
// validation ("today", "today+6m"), so the valid samples must be checked
// with the clock set to this day (see SampleNow).
const SampleDate = "2026-11-25"

// ErrNotFound is returned for a form ID that is not one of the examples.
var ErrNotFound = errors.New("forms: no such example form")

//go:embed *.json values/*.json
var files embed.FS

// IDs returns the IDs of the example e-services, in a fixed order.
func IDs() []string { return []string{Parkeringstillstand, Foreningsbidrag, Varmepump} }

// SampleNow returns noon UTC on SampleDate, a clock value for
// form.CheckOptions.Now under which the valid samples pass.
func SampleNow() time.Time {
	t, _ := time.Parse(time.DateOnly, SampleDate) // a constant, tested
	return t.Add(12 * time.Hour)
}

// FS returns the embedded files: the definitions at the root
// ("parkeringstillstand.json", ...) and the sample answers in values/
// ("values/parkeringstillstand.valid.json", ...). The file system is
// read-only and safe for concurrent use.
func FS() fs.FS { return files }

// Definition returns the JSON definition of the example form id.
func Definition(id string) ([]byte, error) {
	return read(id, id+".json")
}

// SampleValues returns a complete, valid answers document for the example
// form id, in the JSON format form.DecodeJSON reads. It is valid as of
// SampleDate.
func SampleValues(id string) ([]byte, error) {
	return read(id, "values/"+id+".valid.json")
}

// InvalidSampleValues returns an answers document for the example form id
// with typical mistakes: malformed identity numbers, missing required
// answers, values out of bounds, wrong file types.
func InvalidSampleValues(id string) ([]byte, error) {
	return read(id, "values/"+id+".invalid.json")
}

func read(id, name string) ([]byte, error) {
	if !slices.Contains(IDs(), id) {
		return nil, fmt.Errorf("forms: %q: %w", id, ErrNotFound)
	}
	b, err := files.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("forms: read %s: %w", name, err)
	}
	return b, nil
}

// Load parses the example form id. Every call returns a new *form.Form.
func Load(id string) (*form.Form, error) {
	b, err := Definition(id)
	if err != nil {
		return nil, err
	}
	f, err := form.Parse(b)
	if err != nil {
		return nil, fmt.Errorf("forms: parse %s: %w", id, err)
	}
	return f, nil
}

// All parses every example form, in the order of IDs. Every call returns
// new *form.Form values, which the caller may register or use freely.
func All() ([]*form.Form, error) {
	ids := IDs()
	out := make([]*form.Form, 0, len(ids))
	for _, id := range ids {
		f, err := Load(id)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// Register publishes every example form in r. Registering them again in
// the same registry is a no-op (their content is unchanged).
func Register(r *form.Registry) error {
	all, err := All()
	if err != nil {
		return err
	}
	for _, f := range all {
		if err := r.Register(f); err != nil {
			return fmt.Errorf("forms: register %s: %w", f.ID, err)
		}
	}
	return nil
}
