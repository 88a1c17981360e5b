package form

import (
	"fmt"
	"mime"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Caps on definitions. Parse and Lint report a definition beyond them.
const (
	MaxDefinitionSize = 1 << 20
	MaxSteps          = 50
	MaxFieldsPerStep  = 200
	MaxFields         = 1000
	MaxOptions        = 500
	MaxConditionDepth = 16
	MaxTitleLength    = 300
	MaxLabelLength    = 500
	MaxHelpLength     = 4000
	MaxOptionValue    = 100
	MaxFileSize       = 100 << 20
)

var (
	idRE  = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_-]{0,63}$`)
	oslRE = regexp.MustCompile(`^[0-9]{1,2}:[0-9]{1,2}[a-z]?$`)
)

var assuranceNames = map[string]bool{
	"loa2": true, "loa3": true, "loa4": true, "eidas-sub": true, "eidas-high": true,
	"eidas-nf-sub": true, "eidas-nf-high": true,
}

// AssuranceName returns the short name ("loa3", ...) of the form's required
// assurance level; "loa3" when unset.
func (f *Form) AssuranceName() string {
	a := strings.TrimPrefix(f.Assurance, "http://id.elegnamnden.se/loa/1.0/")
	if a == "" {
		return "loa3"
	}
	return a
}

var sensitivityKinds = map[SensitivityKind]bool{
	SensitivityIdentityNumber: true, SensitivityName: true, SensitivityContact: true,
	SensitivityAddress: true, SensitivityHealth: true, SensitivitySocial: true,
	SensitivityFinances: true, SensitivityFreeText: true, SensitivityPropertyData: true, SensitivityOther: true,
}

var prefillTypes = map[PrefillSource][]FieldType{
	PrefillPersonnummer:        {TypePersonnummer, TypeText},
	PrefillGivenName:           {TypeText},
	PrefillFamilyName:          {TypeText},
	PrefillFullName:            {TypeText},
	PrefillEmail:               {TypeEmail, TypeText},
	PrefillPhone:               {TypePhone, TypeText},
	PrefillOrganisationsnummer: {TypeOrganisationsnummer, TypeText},
	PrefillPartyName:           {TypeText},
}

// Lint reports every problem of the definition at once: identifiers,
// duplicates, conditions referring to unknown, later or incompatible fields
// (cyclic or unsatisfiable), duplicate option values, sensitive fields
// without a kind, rules that do not parse, bounds, caps and missing Swedish
// texts. A form with problems cannot be validated or registered.
func (f *Form) Lint() []Problem {
	l := &linter{seen: map[string]fieldRef{}}
	l.form(f)
	return l.probs
}

type fieldRef struct {
	field *Field
	path  string
}

type linter struct {
	probs   []Problem
	seen    map[string]fieldRef // top-level fields declared so far, in order
	nfields int
}

func (l *linter) add(path, code, format string, args ...any) {
	l.probs = append(l.probs, Problem{Path: path, Code: code, Message: fmt.Sprintf(format, args...)})
}

func (l *linter) id(path, id, what string) {
	if !idRE.MatchString(id) {
		l.add(path, "invalidId", "%s id must start with a letter and hold at most 64 letters a-z, digits, _ or -", what)
	}
}

func (l *linter) text(path string, t Text, required bool, maxLen int) {
	if required && strings.TrimSpace(t.SV) == "" {
		l.add(path+".sv", "missingText", "missing Swedish text")
	}
	if utf8.RuneCountInString(t.SV) > maxLen || utf8.RuneCountInString(t.EN) > maxLen {
		l.add(path, "textTooLong", "text longer than %d characters", maxLen)
	}
	if !utf8.ValidString(t.SV) || !utf8.ValidString(t.EN) {
		l.add(path, "invalidText", "text is not valid UTF-8")
	}
}

func (l *linter) form(f *Form) {
	l.id("id", f.ID, "form")
	if f.Version < 1 {
		l.add("version", "invalidVersion", "version must be a positive integer")
	}
	l.text("title", f.Title, true, MaxTitleLength)
	l.text("description", f.Description, false, MaxHelpLength)
	if len(f.Audience) == 0 {
		l.add("audience", "missingAudience", "audience needs at least one of person, company, association")
	}
	for i, a := range f.Audience {
		p := "audience[" + strconv.Itoa(i) + "]"
		if a != AudiencePerson && a != AudienceCompany && a != AudienceAssociation {
			l.add(p, "invalidAudience", "unknown audience %q (person, company, association)", a)
		}
		if slices.Index(f.Audience, a) < i {
			l.add(p, "duplicateAudience", "audience %q listed twice", a)
		}
	}
	if f.Assurance != "" && !assuranceNames[f.AssuranceName()] {
		l.add("assurance", "invalidAssurance", "unknown assurance level %q (loa2, loa3, loa4, eidas-sub, eidas-high)", f.Assurance)
	}
	if len(f.Steps) == 0 {
		l.add("steps", "missingSteps", "a form needs at least one step")
	}
	if len(f.Steps) > MaxSteps {
		l.add("steps", "tooManySteps", "more than %d steps", MaxSteps)
		return
	}
	stepIDs := map[string]bool{}
	for i := range f.Steps {
		s := &f.Steps[i]
		p := "steps[" + strconv.Itoa(i) + "]"
		l.id(p+".id", s.ID, "step")
		if stepIDs[s.ID] {
			l.add(p+".id", "duplicateId", "step id %q is used twice", s.ID)
		}
		stepIDs[s.ID] = true
		l.text(p+".title", s.Title, true, MaxTitleLength)
		l.text(p+".description", s.Description, false, MaxHelpLength)
		// A step's condition may only look at earlier steps.
		l.condition(p+".condition", s.Condition, nil, 0)
		if len(s.Fields) == 0 {
			l.add(p+".fields", "missingFields", "a step needs at least one field")
		}
		if len(s.Fields) > MaxFieldsPerStep {
			l.add(p+".fields", "tooManyFields", "more than %d fields in one step", MaxFieldsPerStep)
			continue
		}
		for j := range s.Fields {
			fp := p + ".fields[" + strconv.Itoa(j) + "]"
			fd := &s.Fields[j]
			l.field(fp, fd, nil)
			if prev, dup := l.seen[fd.ID]; dup {
				l.add(fp+".id", "duplicateId", "field id %q is already used at %s", fd.ID, prev.path)
				continue
			}
			l.seen[fd.ID] = fieldRef{fd, fp}
		}
	}
	if l.nfields > MaxFields {
		l.add("steps", "tooManyFields", "more than %d fields in the form", MaxFields)
	}
}

// field lints one field. group holds the earlier sibling sub-fields when
// fd is inside a repeating group.
func (l *linter) field(p string, fd *Field, group map[string]fieldRef) {
	l.nfields++
	l.id(p+".id", fd.ID, "field")
	if !fd.Type.Valid() {
		l.add(p+".type", "invalidType", "unknown field type %q", fd.Type)
		return
	}
	if fd.Type == TypeInfo {
		if fd.Label.SV == "" && fd.Help.SV == "" {
			l.add(p+".label.sv", "missingText", "an info field needs a Swedish label or help text")
		}
		if fd.Required || fd.SoftRequired {
			l.add(p+".required", "invalidRequired", "an info field collects nothing and cannot be required")
		}
	} else {
		l.text(p+".label", fd.Label, true, MaxLabelLength)
	}
	l.text(p+".help", fd.Help, false, MaxHelpLength)
	if fd.Required && fd.SoftRequired {
		l.add(p+".softRequired", "invalidRequired", "a field is either required or soft-required, not both")
	}
	l.condition(p+".condition", fd.Condition, group, 0)
	kind := fd.Type.Kind()
	textLike := kind == KindText && fd.Type != TypeChoice

	// Options.
	choice := fd.Type == TypeChoice || fd.Type == TypeMultiChoice
	switch {
	case choice && len(fd.Options) == 0:
		l.add(p+".options", "missingOptions", "a %s field needs options", fd.Type)
	case !choice && len(fd.Options) > 0:
		l.add(p+".options", "unexpectedOptions", "only choice and multichoice fields have options")
	case len(fd.Options) > MaxOptions:
		l.add(p+".options", "tooManyOptions", "more than %d options", MaxOptions)
	}
	values := map[string]int{}
	for i, o := range fd.Options {
		op := p + ".options[" + strconv.Itoa(i) + "]"
		if o.Value == "" || len(o.Value) > MaxOptionValue || strings.TrimSpace(o.Value) != o.Value {
			l.add(op+".value", "invalidOption", "option value must be 1 to %d characters without surrounding spaces", MaxOptionValue)
		}
		if j, dup := values[o.Value]; dup {
			l.add(op+".value", "duplicateOption", "option value %q is already used by options[%d]", o.Value, j)
		}
		values[o.Value] = i
		l.text(op+".label", o.Label, true, MaxLabelLength)
	}

	// Rules.
	if fd.Rules != "" {
		if !textLike {
			l.add(p+".rules", "unexpectedRules", "rules apply to text-like fields only")
		} else if _, err := parseRules(fd.Rules); err != nil {
			l.add(p+".rules", "invalidRules", "%v", err)
		}
	}

	// Lengths.
	if fd.MinLength != 0 || fd.MaxLength != 0 {
		switch {
		case !textLike:
			l.add(p+".maxLength", "unexpectedBound", "minLength and maxLength apply to text-like fields only")
		case fd.MinLength < 0 || fd.MaxLength < 0:
			l.add(p+".maxLength", "invalidBound", "lengths cannot be negative")
		case fd.MaxLength > HardMaxLength:
			l.add(p+".maxLength", "invalidBound", "maxLength above %d", HardMaxLength)
		case fd.MaxLength != 0 && fd.MinLength > fd.MaxLength:
			l.add(p+".minLength", "invalidBound", "minLength is greater than maxLength")
		}
	}

	// Min and max.
	if fd.Min != "" || fd.Max != "" {
		switch fd.Type {
		case TypeInteger, TypeDecimal:
			lo, okLo := boundDecimal(fd.Min, fd.Type == TypeInteger)
			hi, okHi := boundDecimal(fd.Max, fd.Type == TypeInteger)
			if !okLo {
				l.add(p+".min", "invalidBound", "min is not a %s", fd.Type)
			}
			if !okHi {
				l.add(p+".max", "invalidBound", "max is not a %s", fd.Type)
			}
			if okLo && okHi && lo != "" && hi != "" && compareDecimal(lo, hi) > 0 {
				l.add(p+".min", "invalidBound", "min is greater than max")
			}
		case TypeDate:
			lo, errLo := parseDateBound(fd.Min)
			hi, errHi := parseDateBound(fd.Max)
			if errLo != nil {
				l.add(p+".min", "invalidBound", "%v", errLo)
			}
			if errHi != nil {
				l.add(p+".max", "invalidBound", "%v", errHi)
			}
			if errLo == nil && errHi == nil && !lo.relative && !hi.relative && lo.set && hi.set && lo.fixed > hi.fixed {
				l.add(p+".min", "invalidBound", "min is after max")
			}
		default:
			l.add(p+".min", "unexpectedBound", "min and max apply to integer, decimal and date fields only")
		}
	}

	// Items.
	if fd.MinItems != 0 || fd.MaxItems != 0 {
		switch {
		case fd.Type != TypeGroup && fd.Type != TypeMultiChoice:
			l.add(p+".maxItems", "unexpectedBound", "minItems and maxItems apply to group and multichoice fields only")
		case fd.MinItems < 0 || fd.MaxItems < 0:
			l.add(p+".maxItems", "invalidBound", "item counts cannot be negative")
		case fd.MaxItems > HardMaxItems:
			l.add(p+".maxItems", "invalidBound", "maxItems above %d", HardMaxItems)
		case fd.MaxItems != 0 && fd.MinItems > fd.MaxItems:
			l.add(p+".minItems", "invalidBound", "minItems is greater than maxItems")
		case fd.Type == TypeMultiChoice && fd.MinItems > len(fd.Options):
			l.add(p+".minItems", "invalidBound", "minItems is greater than the number of options")
		}
	}

	// Files.
	if fd.Type == TypeFile {
		if len(fd.Accept) == 0 {
			l.add(p+".accept", "missingAccept", "a file field needs the accepted content types")
		}
		for i, a := range fd.Accept {
			mt, params, err := mime.ParseMediaType(a)
			if err != nil || mt != a || len(params) > 0 || !strings.Contains(a, "/") || a == "*/*" {
				l.add(p+".accept["+strconv.Itoa(i)+"]", "invalidAccept", "%q is not a content type like application/pdf or image/*", a)
			}
		}
		if fd.MaxSize < 0 || fd.MaxSize > MaxFileSize {
			l.add(p+".maxSize", "invalidBound", "maxSize must be between 0 and %d bytes", MaxFileSize)
		}
		if fd.MaxFiles < 0 || fd.MaxFiles > HardMaxFiles {
			l.add(p+".maxFiles", "invalidBound", "maxFiles must be between 0 and %d", HardMaxFiles)
		}
	} else if len(fd.Accept) > 0 || fd.MaxSize != 0 || fd.MaxFiles != 0 {
		l.add(p+".accept", "unexpectedFile", "accept, maxSize and maxFiles apply to file fields only")
	}

	// Prefill.
	if fd.Prefill != "" {
		types, ok := prefillTypes[fd.Prefill]
		switch {
		case !ok:
			l.add(p+".prefill", "invalidPrefill", "unknown prefill source %q", fd.Prefill)
		case !slices.Contains(types, fd.Type):
			l.add(p+".prefill", "invalidPrefill", "prefill %q does not fit a %s field", fd.Prefill, fd.Type)
		}
	}

	// Sensitivity.
	if s := fd.Sensitivity; s != nil {
		switch {
		case s.Kind == "":
			l.add(p+".sensitivity.kind", "sensitiveWithoutKind", "a sensitive field needs a kind (identityNumber, name, contact, address, health, socialServices, finances, freeText, property, other)")
		case !sensitivityKinds[s.Kind]:
			l.add(p+".sensitivity.kind", "invalidSensitivity", "unknown sensitivity kind %q", s.Kind)
		}
		for i, ref := range s.OSL {
			if !oslRE.MatchString(ref) {
				l.add(p+".sensitivity.osl["+strconv.Itoa(i)+"]", "invalidOSL", "OSL reference %q is not chapter:section, e.g. 21:1", ref)
			}
		}
		if fd.Type == TypeInfo {
			l.add(p+".sensitivity", "invalidSensitivity", "an info field holds no data")
		}
	}

	// Groups.
	if fd.Type == TypeGroup {
		if len(fd.Fields) == 0 {
			l.add(p+".fields", "missingFields", "a group needs sub-fields")
		}
		if len(fd.Fields) > MaxFieldsPerStep {
			l.add(p+".fields", "tooManyFields", "more than %d sub-fields", MaxFieldsPerStep)
			return
		}
		if group != nil {
			l.add(p+".type", "nestedGroup", "groups cannot be nested")
			return
		}
		siblings := map[string]fieldRef{}
		for i := range fd.Fields {
			sp := p + ".fields[" + strconv.Itoa(i) + "]"
			sf := &fd.Fields[i]
			l.field(sp, sf, siblings)
			if prev, dup := siblings[sf.ID]; dup {
				l.add(sp+".id", "duplicateId", "sub-field id %q is already used at %s", sf.ID, prev.path)
				continue
			}
			if prev, shadow := l.seen[sf.ID]; shadow {
				l.add(sp+".id", "duplicateId", "sub-field id %q shadows the field at %s", sf.ID, prev.path)
			}
			siblings[sf.ID] = fieldRef{sf, sp}
		}
	} else if len(fd.Fields) > 0 {
		l.add(p+".fields", "unexpectedFields", "only group fields have sub-fields")
	}
}

// boundDecimal parses a numeric bound; "" is no bound.
func boundDecimal(s string, integer bool) (string, bool) {
	if s == "" {
		return "", true
	}
	d, ok := canonicalDecimal(s)
	if !ok || (integer && strings.Contains(d, ".")) {
		return "", false
	}
	return d, true
}

// condition lints a condition tree; group holds earlier sibling sub-fields.
func (l *linter) condition(p string, c *Condition, group map[string]fieldRef, depth int) {
	if c == nil {
		return
	}
	if depth > MaxConditionDepth {
		l.add(p, "conditionTooDeep", "conditions nest deeper than %d", MaxConditionDepth)
		return
	}
	if msg := c.shapeError(); msg != "" {
		l.add(p, "invalidCondition", "%s", msg)
		return
	}
	for i := range c.All {
		l.condition(p+".all["+strconv.Itoa(i)+"]", &c.All[i], group, depth+1)
	}
	for i := range c.Any {
		l.condition(p+".any["+strconv.Itoa(i)+"]", &c.Any[i], group, depth+1)
	}
	if c.Not != nil {
		l.condition(p+".not", c.Not, group, depth+1)
	}
	if c.All != nil {
		l.contradiction(p, c.All, group)
	}
	if c.Field == "" {
		return
	}
	ref, ok := group[c.Field]
	if !ok {
		ref, ok = l.seen[c.Field]
	}
	if !ok {
		l.add(p+".field", "unknownReference", "condition refers to %q, which is not an earlier field (a reference to a later field or to itself would be cyclic)", c.Field)
		return
	}
	l.operand(p, c, ref.field)
}

// operand checks that a leaf condition can hold for the referenced field.
func (l *linter) operand(p string, c *Condition, target *Field) {
	kind := target.Type.Kind()
	if kind == KindNone {
		l.add(p+".field", "unsatisfiable", "condition refers to an info field, which has no value")
		return
	}
	check := func(x any) {
		switch s := x.(type) {
		case string:
			switch {
			case kind == KindBool, kind == KindInt, kind == KindDecimal, kind == KindGroup, kind == KindFiles:
				l.add(p+".value", "unsatisfiable", "a %s field never equals a string", target.Type)
			case len(target.Options) > 0 && !slices.ContainsFunc(target.Options, func(o Option) bool { return o.Value == s }):
				l.add(p+".value", "unsatisfiable", "%q is not an option of field %q", s, target.ID)
			}
		case bool:
			if kind != KindBool {
				l.add(p+".value", "unsatisfiable", "a %s field never equals a boolean", target.Type)
			}
		default:
			if kind != KindInt && kind != KindDecimal {
				l.add(p+".value", "unsatisfiable", "a %s field never equals a number", target.Type)
			}
		}
	}
	switch c.Op {
	case OpEquals, OpNotEquals:
		check(c.Value)
	case OpIn:
		l2, _ := operandList(c.Value)
		for _, x := range l2 {
			check(x)
		}
	case OpGreaterThan, OpLessThan:
		_, isNum := operandNumber(c.Value)
		switch {
		case kind == KindDate && isNum, kind != KindDate && !isNum:
			l.add(p+".value", "unsatisfiable", "%s on a %s field needs a %s", c.Op, target.Type, map[bool]string{true: "date", false: "number"}[kind == KindDate])
		case kind == KindText || kind == KindBool:
			l.add(p+".op", "unsatisfiable", "%s never holds for a %s field", c.Op, target.Type)
		}
	}
}

// contradiction flags "all" lists that require one field to equal two
// different values at once.
func (l *linter) contradiction(p string, all []Condition, group map[string]fieldRef) {
	eq := map[string]any{}
	for _, c := range all {
		if c.Field == "" || c.Op != OpEquals {
			continue
		}
		if ref, ok := group[c.Field]; ok && ref.field.Type == TypeMultiChoice {
			continue
		}
		if ref, ok := l.seen[c.Field]; ok && ref.field.Type == TypeMultiChoice {
			continue
		}
		if prev, ok := eq[c.Field]; ok && fmt.Sprint(prev) != fmt.Sprint(c.Value) {
			l.add(p, "unsatisfiable", "all requires field %q to equal both %v and %v", c.Field, prev, c.Value)
		}
		eq[c.Field] = c.Value
	}
}
