package form

import (
	"context"
	"fmt"
	"mime"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/etjanst/etjanst/idnum"
)

// Mode selects how strict a check is.
type Mode int

const (
	// Complete checks everything, including required fields and minimum
	// counts: the check before submit.
	Complete Mode = iota
	// Partial checks types, formats, bounds and caps but not completeness:
	// the check when an unfinished application is saved.
	Partial
)

// CheckOptions configures Form.Check. A nil *CheckOptions means defaults.
type CheckOptions struct {
	// Mode is Complete (default) or Partial.
	Mode Mode
	// Step limits the reported problems to one step ("" means every visible
	// step). Conditions are still evaluated over the whole form.
	Step string
	// Now is the clock for relative date bounds and the century of 10-digit
	// personnummer. Defaults to time.Now.
	Now func() time.Time
}

// StepStatus tells whether a step is shown and whether it is complete.
type StepStatus struct {
	ID      string `json:"id"`
	Visible bool   `json:"visible"`
	// Complete is true when the visible step has no problem at all,
	// including missing required answers.
	Complete bool `json:"complete"`
}

// Result is the outcome of a check.
type Result struct {
	// Values holds the answers of visible steps and fields only, normalised
	// (personnummer as 12 digits, postnummer as "NNN NN", trimmed text).
	// Answers of hidden steps and fields are dropped: they are never submitted.
	Values Values
	// Errors lists the problems; in Partial mode without completeness codes.
	Errors []FieldError
	// Warnings lists soft-required fields left empty.
	Warnings []FieldError
	// Steps reports every step in order.
	Steps []StepStatus
}

// Err returns a *ValidationError when the result has errors, else nil.
func (r *Result) Err() error {
	if len(r.Errors) == 0 {
		return nil
	}
	return &ValidationError{Fields: r.Errors}
}

// CompletedSteps returns the IDs of visible, complete steps.
func (r *Result) CompletedSteps() []string {
	var out []string
	for _, s := range r.Steps {
		if s.Visible && s.Complete {
			out = append(out, s.ID)
		}
	}
	return out
}

// Progress returns the share of visible steps that are complete, 0 to 100.
func (r *Result) Progress() int {
	visible, done := 0, 0
	for _, s := range r.Steps {
		if s.Visible {
			visible++
			if s.Complete {
				done++
			}
		}
	}
	if visible == 0 {
		return 0
	}
	return done * 100 / visible
}

// Check validates values against the form. Conditions are evaluated in
// order over the answers of visible fields; hidden steps and fields are
// skipped and their values dropped from Result.Values. Check returns an
// error only for a broken definition (*DefinitionError), an unknown
// opts.Step (ErrUnknownStep) or a done ctx; problems with the answers are
// in the Result (see Result.Err).
func (f *Form) Check(ctx context.Context, values Values, opts *CheckOptions) (*Result, error) {
	c, err := f.compile()
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var o CheckOptions
	if opts != nil {
		o = *opts
	}
	if o.Step != "" {
		if _, ok := c.stepIndex[o.Step]; !ok {
			return nil, fmt.Errorf("%w: %q", ErrUnknownStep, o.Step)
		}
	}
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	ck := checker{
		now:    now(),
		res:    &Result{Values: make(Values, len(values)), Steps: make([]StepStatus, len(c.steps))},
		idOpts: &idnum.Options{Now: now},
	}
	for i := range c.steps {
		cs := &c.steps[i]
		st := StepStatus{ID: cs.step.ID}
		if cs.step.Condition.eval(scope{top: ck.res.Values}) {
			st.Visible = true
			ck.errs = ck.errs[:0]
			for _, cf := range cs.fields {
				if !cf.field.Condition.eval(scope{top: ck.res.Values}) {
					continue
				}
				if v, ok := ck.field(cf, cs.step.ID, fieldPath{id: cf.field.ID}, values[cf.field.ID], values); ok {
					ck.res.Values[cf.field.ID] = v
				}
			}
			st.Complete = len(ck.errs) == 0
			if o.Step == "" || o.Step == cs.step.ID {
				for _, fe := range ck.errs {
					if o.Mode == Partial && completenessCodes[fe.Code] {
						continue
					}
					ck.res.Errors = append(ck.res.Errors, fe)
				}
				ck.res.Warnings = append(ck.res.Warnings, ck.warns...)
			}
			ck.warns = ck.warns[:0]
		}
		ck.res.Steps[i] = st
	}
	return ck.res, nil
}

// ValidateStep checks the answers of one step completely, evaluating
// conditions over all values. It returns nil, a *ValidationError listing
// every problem of the step, ErrUnknownStep, or a *DefinitionError.
func (f *Form) ValidateStep(ctx context.Context, stepID string, values Values) error {
	r, err := f.Check(ctx, values, &CheckOptions{Step: stepID})
	if err != nil {
		return err
	}
	return r.Err()
}

// Validate checks every visible step completely. It returns the normalised
// answers of visible fields (hidden ones dropped) and nil, or a
// *ValidationError listing every problem by step and field.
func (f *Form) Validate(ctx context.Context, values Values) (Values, error) {
	r, err := f.Check(ctx, values, nil)
	if err != nil {
		return nil, err
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return r.Values, nil
}

type checker struct {
	now    time.Time
	res    *Result
	errs   []FieldError // of the current step
	warns  []FieldError
	idOpts *idnum.Options
}

func (ck *checker) fail(step string, path fieldPath, code string, params map[string]string) {
	ck.errs = append(ck.errs, FieldError{Step: step, Field: path.String(), Code: code, Params: params, Message: message(code, params)})
}

// fieldPath names the field being checked: a top-level field, or a field
// of item index of a repeating group. It becomes a string ("barn[2].namn")
// only for an error: most answers have none, and building every path
// cost more than checking a short answer.
type fieldPath struct {
	group string // the group's path; "" for a top-level field
	index int
	id    string
}

func (p fieldPath) String() string {
	if p.group == "" {
		return p.id
	}
	return p.group + "[" + strconv.Itoa(p.index) + "]." + p.id
}

// field checks one answer and returns its normalised value, and false when
// nothing is to be kept.
func (ck *checker) field(cf *cfield, step string, path fieldPath, v Value, scopeItem Values) (Value, bool) {
	f := cf.field
	if f.Type == TypeInfo {
		return Value{}, false
	}
	if !v.isSet() {
		switch {
		case f.Required && f.Type == TypeBoolean:
			ck.fail(step, path, "mustAccept", nil)
		case f.Required:
			ck.fail(step, path, "required", nil)
		case f.SoftRequired:
			p := map[string]string(nil)
			ck.warns = append(ck.warns, FieldError{Step: step, Field: path.String(), Code: "recommended", Params: p, Message: message("recommended", p)})
		}
		if v.kind == KindBool {
			return v, true
		}
		return Value{}, false
	}
	want := f.Type.Kind()
	if v.kind != want {
		var ok bool
		if v, ok = coerce(v, want); !ok {
			code := "type"
			switch want {
			case KindInt:
				code = "integer"
			case KindDecimal:
				code = "decimal"
			case KindDate:
				code = "date"
			case KindBool:
				code = "boolean"
			}
			ck.fail(step, path, code, nil)
			return v, true // keep the raw answer so nothing typed is lost
		}
	}
	switch want {
	case KindText:
		return ck.text(cf, step, path, v), true
	case KindInt, KindDecimal:
		n := v.numberText()
		if cf.min != "" && compareDecimal(n, cf.min) < 0 {
			ck.fail(step, path, "min", map[string]string{"min": f.Min})
		}
		if cf.max != "" && compareDecimal(n, cf.max) > 0 {
			ck.fail(step, path, "max", map[string]string{"max": f.Max})
		}
	case KindDate:
		if cf.minDate.set {
			if b := cf.minDate.at(ck.now); v.s < b {
				ck.fail(step, path, "minDate", map[string]string{"min": b})
			}
		}
		if cf.maxDate.set {
			if b := cf.maxDate.at(ck.now); v.s > b {
				ck.fail(step, path, "maxDate", map[string]string{"max": b})
			}
		}
	case KindList:
		seen := make(map[string]bool, len(v.list))
		for _, s := range v.list {
			if _, ok := cf.options[s]; !ok {
				ck.fail(step, path, "choice", nil)
				break
			}
			if seen[s] {
				ck.fail(step, path, "duplicateChoice", nil)
				break
			}
			seen[s] = true
		}
		ck.counts(cf, step, path, len(v.list))
	case KindFiles:
		ck.files(cf, step, path, v.files)
	case KindGroup:
		ck.counts(cf, step, path, len(v.items))
		items := make([]Values, 0, len(v.items))
		group := path.String() // the field ID itself, unless groups nest
		for i, item := range v.items {
			if i >= cf.maxItems {
				break
			}
			clean := make(Values, len(cf.sub))
			for _, sf := range cf.sub {
				if !sf.field.Condition.eval(scope{item: clean, top: ck.res.Values}) {
					continue
				}
				sp := fieldPath{group: group, index: i, id: sf.field.ID}
				if sv, ok := ck.field(sf, step, sp, item[sf.field.ID], item); ok {
					clean[sf.field.ID] = sv
				}
			}
			items = append(items, clean)
		}
		v.items = items
	}
	return v, true
}

func (ck *checker) counts(cf *cfield, step string, path fieldPath, n int) {
	f := cf.field
	minCode, maxCode := "minItems", "maxItems"
	if f.Type == TypeMultiChoice {
		minCode, maxCode = "minChoices", "maxChoices"
	}
	if f.MinItems > 0 && n < f.MinItems {
		ck.fail(step, path, minCode, map[string]string{"min": strconv.Itoa(f.MinItems)})
	}
	if n > cf.maxItems {
		ck.fail(step, path, maxCode, map[string]string{"max": strconv.Itoa(cf.maxItems)})
	}
}

func (ck *checker) text(cf *cfield, step string, path fieldPath, v Value) Value {
	f := cf.field
	s := strings.TrimSpace(v.s)
	v.s = s
	scan := scanText(s, f.Type == TypeTextarea)
	n := scan.runes
	if n > cf.maxLen {
		ck.fail(step, path, "maxLength", map[string]string{"max": strconv.Itoa(cf.maxLen)})
		return v
	}
	if f.MinLength > 0 && n < f.MinLength {
		ck.fail(step, path, "minLength", map[string]string{"min": strconv.Itoa(f.MinLength)})
	}
	if scan.control || scan.invalid {
		ck.fail(step, path, "invalidCharacters", nil)
		return v
	}
	switch f.Type {
	case TypeChoice:
		if _, ok := cf.options[s]; !ok {
			ck.fail(step, path, "choice", nil)
		}
	case TypePersonnummer:
		p, err := idnum.ParsePersonnummer(s, ck.idOpts)
		if err != nil {
			ck.fail(step, path, "personnummer", nil)
			return v
		}
		v.s = p.String()
	case TypeOrganisationsnummer:
		o, err := idnum.ParseOrganisationsnummer(s)
		if err != nil {
			ck.fail(step, path, "organisationsnummer", nil)
			return v
		}
		v.s = o.String()
	case TypePostnummer:
		p, ok := normalisePostnummer(s)
		if !ok {
			ck.fail(step, path, "postnummer", nil)
			return v
		}
		v.s = p
	case TypePhone:
		if _, ok := normalisePhone(s); !ok {
			ck.fail(step, path, "phone", nil)
			return v
		}
	case TypeEmail:
		if err := sharedValidator().Var(s, "email"); err != nil {
			ck.fail(step, path, "email", nil)
			return v
		}
	}
	for _, r := range cf.rules {
		if err := sharedValidator().Var(s, r.tag); err != nil {
			var params map[string]string
			if r.param != "" {
				params = map[string]string{"param": r.param}
			}
			ck.fail(step, path, r.name, params)
		}
	}
	return v
}

func (ck *checker) files(cf *cfield, step string, path fieldPath, refs []FileRef) {
	f := cf.field
	if len(refs) > cf.maxFiles {
		ck.fail(step, path, "maxFiles", map[string]string{"max": strconv.Itoa(cf.maxFiles)})
	}
	for _, r := range refs {
		if r.ID == "" || len(r.ID) > 128 || len(r.SHA256) != 64 || r.Size < 0 || utf8.RuneCountInString(r.Name) > 255 {
			ck.fail(step, path, "file", nil)
			return
		}
		if !acceptsType(f.Accept, r.ContentType) {
			ck.fail(step, path, "fileType", map[string]string{"accept": strings.Join(f.Accept, ", ")})
			return
		}
		if r.Size > cf.maxSize {
			ck.fail(step, path, "fileSize", map[string]string{"max": strconv.FormatInt(cf.maxSize, 10), "maxText": byteSize(cf.maxSize)})
			return
		}
	}
}

// AcceptsType reports whether a file field accepts contentType (a type
// like "application/pdf"; parameters are ignored). Accept entries may use
// a wildcard subtype ("image/*"); an empty Accept list accepts nothing.
func (f *Field) AcceptsType(contentType string) bool { return acceptsType(f.Accept, contentType) }

func acceptsType(accept []string, contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	for _, a := range accept {
		if a == mt {
			return true
		}
		if prefix, ok := strings.CutSuffix(a, "/*"); ok && strings.HasPrefix(mt, prefix+"/") {
			return true
		}
	}
	return false
}

// coerce converts a text answer to the kind its field needs (HTML posts and
// loosely typed JSON carry text). It reports false when that is impossible.
func coerce(v Value, want Kind) (Value, bool) {
	if v.kind != KindText {
		if v.kind == KindInt && want == KindDecimal {
			return Value{kind: KindDecimal, s: strconv.FormatInt(v.n, 10)}, true
		}
		return v, false
	}
	s := strings.TrimSpace(v.s)
	switch want {
	case KindInt:
		s = strings.Map(func(r rune) rune {
			if r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\u2009' {
				return -1
			}
			if r == '−' {
				return '-'
			}
			return r
		}, s)
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return v, false
		}
		return Int(n), true
	case KindDecimal:
		d, err := Decimal(s)
		return d, err == nil
	case KindDate:
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return v, false
		}
		return Date(t), true
	case KindBool:
		switch strings.ToLower(s) {
		case "true", "on", "1", "ja", "yes":
			return Bool(true), true
		case "false", "off", "0", "nej", "no":
			return Bool(false), true
		}
	case KindList:
		return List(s), true
	}
	return v, false
}
