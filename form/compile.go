package form

import (
	"encoding/json"
	"fmt"
)

// Default caps of a field's answer.
const (
	DefaultTextMaxLength     = 200
	DefaultTextareaMaxLength = 4000
	DefaultFileMaxSize       = 10 << 20
	DefaultMaxItems          = 20
	// HardMaxLength caps any text answer whatever the definition says.
	HardMaxLength = 20000
	// HardMaxItems caps the items of any group or multichoice.
	HardMaxItems = 200
	// HardMaxFiles caps the files of any file field.
	HardMaxFiles = 20
)

// compiled is the prepared form: indexes, parsed bounds and rules.
type compiled struct {
	steps     []cstep
	stepIndex map[string]int
	fields    map[string]*cfield // top-level fields by ID
}

type cstep struct {
	step   *Step
	fields []*cfield
}

type cfield struct {
	field            *Field
	step             string
	options          map[string]int
	rules            []rule
	min, max         string // canonical decimals
	minDate, maxDate dateBound
	maxLen           int
	maxItems         int
	maxFiles         int
	maxSize          int64
	sub              []*cfield
}

// compile lints and prepares the form once. A form with lint problems
// cannot be used: every method returns its *DefinitionError.
func (f *Form) compile() (*compiled, error) {
	f.once.Do(func() {
		if probs := f.Lint(); len(probs) > 0 {
			f.cerr = &DefinitionError{FormID: f.ID, Problems: probs}
			return
		}
		c := &compiled{stepIndex: map[string]int{}, fields: map[string]*cfield{}}
		c.steps = make([]cstep, len(f.Steps))
		for i := range f.Steps {
			s := &f.Steps[i]
			c.stepIndex[s.ID] = i
			cs := cstep{step: s}
			for j := range s.Fields {
				cf := compileField(&s.Fields[j], s.ID)
				cs.fields = append(cs.fields, cf)
				c.fields[cf.field.ID] = cf
			}
			c.steps[i] = cs
		}
		f.compiled = c
	})
	return f.compiled, f.cerr
}

// compileField prepares a field that passed Lint.
func compileField(f *Field, step string) *cfield {
	cf := &cfield{field: f, step: step}
	cf.rules, _ = parseRules(f.Rules)
	if len(f.Options) > 0 {
		cf.options = make(map[string]int, len(f.Options))
		for i, o := range f.Options {
			cf.options[o.Value] = i
		}
	}
	switch f.Type {
	case TypeDate:
		cf.minDate, _ = parseDateBound(f.Min)
		cf.maxDate, _ = parseDateBound(f.Max)
	case TypeInteger, TypeDecimal:
		cf.min, _ = canonicalDecimal(f.Min)
		cf.max, _ = canonicalDecimal(f.Max)
	}
	cf.maxLen = f.MaxLength
	if cf.maxLen == 0 {
		cf.maxLen = DefaultTextMaxLength
		if f.Type == TypeTextarea {
			cf.maxLen = DefaultTextareaMaxLength
		}
	}
	cf.maxLen = min(cf.maxLen, HardMaxLength)
	cf.maxItems = f.MaxItems
	if cf.maxItems == 0 {
		cf.maxItems = DefaultMaxItems
		if f.Type == TypeMultiChoice {
			cf.maxItems = len(f.Options)
		}
	}
	cf.maxItems = min(cf.maxItems, HardMaxItems)
	cf.maxFiles = max(f.MaxFiles, 1)
	cf.maxFiles = min(cf.maxFiles, HardMaxFiles)
	cf.maxSize = f.MaxSize
	if cf.maxSize == 0 {
		cf.maxSize = DefaultFileMaxSize
	}
	for i := range f.Fields {
		cf.sub = append(cf.sub, compileField(&f.Fields[i], step))
	}
	return cf
}

// Field returns the top-level field with the given ID and the ID of its
// step, or nil.
func (f *Form) Field(id string) (*Field, string) {
	c, err := f.compile()
	if err != nil {
		for i := range f.Steps {
			for j := range f.Steps[i].Fields {
				if f.Steps[i].Fields[j].ID == id {
					return &f.Steps[i].Fields[j], f.Steps[i].ID
				}
			}
		}
		return nil, ""
	}
	cf, ok := c.fields[id]
	if !ok {
		return nil, ""
	}
	return cf.field, cf.step
}

// Err reports whether the definition is usable: nil, or the
// *DefinitionError listing every problem Lint finds.
func (f *Form) Err() error {
	_, err := f.compile()
	return err
}

// MarshalJSON encodes the definition (without its compiled state).
func (f *Form) MarshalJSON() ([]byte, error) {
	type plain struct {
		ID          string     `json:"id"`
		Version     int        `json:"version"`
		Title       Text       `json:"title"`
		Description Text       `json:"description,omitzero"`
		Audience    []Audience `json:"audience"`
		Assurance   string     `json:"assurance,omitempty"`
		Steps       []Step     `json:"steps"`
	}
	b, err := json.Marshal(plain{f.ID, f.Version, f.Title, f.Description, f.Audience, f.Assurance, f.Steps})
	if err != nil {
		return nil, fmt.Errorf("form: encode %s: %w", f.ID, err)
	}
	return b, nil
}
