package web

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/etjanst/etjanst/form"
)

// fieldView is one field as the step template renders it.
type fieldView struct {
	Path         string // "barn[1].namn"
	ID           string // HTML id of the input (or of the first option)
	Name         string
	Type         string
	Label        string
	Help         string
	HintID       string
	ErrorID      string
	DescribedBy  string
	Required     bool
	Optional     bool
	Errors       []string
	Value        string
	Checked      bool
	Options      []optionView
	Select       bool // many options: a <select> instead of radios
	Input        string
	InputMode    string
	Autocomplete string
	// Files of a file field, the accept list and whether more fit.
	Files     []fileView
	Accept    string
	Multiple  bool
	CanUpload bool
	// Items of a repeating group and whether another fits.
	Items  []itemView
	CanAdd bool
}

type optionView struct {
	ID      string
	Value   string
	Label   string
	Checked bool
}

type itemView struct {
	ID     string
	Number int
	Remove string // action value
	Fields []*fieldView
}

type fileView struct {
	Name   string
	Size   string
	Href   string
	Detach string // action value
}

// htmlID turns a field path into an HTML id: "f-barn-1-namn".
func htmlID(path string) string {
	r := strings.NewReplacer("[", "-", "]", "", ".", "-")
	return "f-" + r.Replace(path)
}

// viewBuilder renders the fields of one step.
type viewBuilder struct {
	lang    string
	draftID string
	display form.Values // what the applicant typed (possibly invalid)
	checked form.Values // the normalised answers, for conditions
	errs    map[string][]form.FieldError
	extra   map[string]int // blank rows to add to groups
}

// merged returns the answers conditions see inside a group item: the item's
// own sub-fields first, then the top-level answers.
func merged(top, item form.Values) form.Values {
	out := make(form.Values, len(top)+len(item))
	for k, v := range top {
		out[k] = v
	}
	for k, v := range item {
		out[k] = v
	}
	return out
}

// fields returns the visible fields of step.
func (b *viewBuilder) fields(step *form.Step) []*fieldView {
	var out []*fieldView
	for i := range step.Fields {
		fd := &step.Fields[i]
		if fd.Condition != nil && !fd.Condition.Eval(b.checked) {
			continue
		}
		out = append(out, b.field(fd, fd.ID, b.display[fd.ID], b.checked))
	}
	return out
}

func (b *viewBuilder) field(fd *form.Field, path string, v form.Value, scope form.Values) *fieldView {
	fv := &fieldView{
		Path: path, ID: htmlID(path), Name: path, Type: string(fd.Type),
		Label: fd.Label.In(b.lang), Help: fd.Help.In(b.lang),
		Required: fd.Required, Optional: !fd.Required && fd.Type != form.TypeInfo && fd.Type != form.TypeBoolean,
	}
	fv.HintID = fv.ID + "-hint"
	fv.ErrorID = fv.ID + "-error"
	for _, e := range b.errs[path] {
		fv.Errors = append(fv.Errors, e.Message.In(b.lang))
	}
	var describedBy []string
	if fv.Help != "" {
		describedBy = append(describedBy, fv.HintID)
	}
	if len(fv.Errors) > 0 {
		describedBy = append(describedBy, fv.ErrorID)
	}
	fv.DescribedBy = strings.Join(describedBy, " ")

	switch fd.Type {
	case form.TypeText:
		fv.Input = "text"
	case form.TypeTextarea:
	case form.TypeEmail:
		fv.Input, fv.Autocomplete = "email", "email"
	case form.TypePhone:
		fv.Input, fv.Autocomplete = "tel", "tel"
	case form.TypeInteger:
		fv.Input, fv.InputMode = "text", "numeric"
	case form.TypeDecimal:
		fv.Input, fv.InputMode = "text", "decimal"
	case form.TypeDate:
		fv.Input = "date"
	case form.TypePersonnummer, form.TypeOrganisationsnummer:
		fv.Input = "text"
	case form.TypePostnummer:
		fv.Input, fv.InputMode, fv.Autocomplete = "text", "numeric", "postal-code"
	}
	switch fd.Prefill {
	case form.PrefillGivenName:
		fv.Autocomplete = "given-name"
	case form.PrefillFamilyName:
		fv.Autocomplete = "family-name"
	case form.PrefillFullName:
		fv.Autocomplete = "name"
	case form.PrefillPartyName:
		fv.Autocomplete = "organization"
	}

	switch fd.Type.Kind() {
	case form.KindText, form.KindInt, form.KindDate:
		fv.Value = v.Text()
		switch fd.Type {
		case form.TypePersonnummer:
			fv.Value = formatPnr(fv.Value)
		case form.TypeOrganisationsnummer:
			fv.Value = formatOrgNr(fv.Value)
		}
		if fd.Type == form.TypeChoice {
			fv.Options = b.options(fd, fv.ID, []string{v.Text()})
			fv.Select = len(fd.Options) > 10
		}
	case form.KindDecimal:
		fv.Value = v.Text()
		if b.lang == "sv" && v.Kind() == form.KindDecimal {
			fv.Value = strings.Replace(fv.Value, ".", ",", 1)
		}
	case form.KindBool:
		fv.Checked = v.Kind() == form.KindBool && v.Bool()
	case form.KindList:
		fv.Options = b.options(fd, fv.ID, v.List())
	case form.KindFiles:
		b.files(fd, fv, v)
	case form.KindGroup:
		b.group(fd, fv, v, scope)
	}
	return fv
}

func (b *viewBuilder) options(fd *form.Field, id string, selected []string) []optionView {
	out := make([]optionView, len(fd.Options))
	for i, o := range fd.Options {
		oid := id
		if i > 0 {
			oid = id + "-" + strconv.Itoa(i)
		}
		checked := false
		for _, s := range selected {
			if s == o.Value {
				checked = true
			}
		}
		out[i] = optionView{ID: oid, Value: o.Value, Label: o.Label.In(b.lang), Checked: checked}
	}
	return out
}

func (b *viewBuilder) files(fd *form.Field, fv *fieldView, v form.Value) {
	max := fd.MaxFiles
	if max <= 0 {
		max = 1
	}
	refs := v.Files()
	for _, ref := range refs {
		fv.Files = append(fv.Files, fileView{
			Name: ref.Name, Size: humanSize(ref.Size),
			Href:   "/utkast/" + b.draftID + "/bilagor/" + ref.ID,
			Detach: "detach:" + fd.ID + ":" + ref.ID,
		})
	}
	fv.Accept = strings.Join(fd.Accept, ",")
	fv.Multiple = max-len(refs) > 1
	fv.CanUpload = len(refs) < max
	fv.Name = "file:" + fd.ID
}

func (b *viewBuilder) group(fd *form.Field, fv *fieldView, v form.Value, scope form.Values) {
	items := v.Items()
	n := len(items) + b.extra[fd.ID]
	if n == 0 {
		n = max(1, fd.MinItems)
	}
	maxItems := fd.MaxItems
	if maxItems <= 0 {
		maxItems = form.DefaultMaxItems
	}
	n = min(n, maxItems)
	for i := 0; i < n; i++ {
		var item form.Values
		if i < len(items) {
			item = items[i]
		}
		iv := itemView{
			ID:     fmt.Sprintf("%s-%d", fv.ID, i),
			Number: i + 1,
			Remove: fmt.Sprintf("remove:%s:%d", fd.ID, i),
		}
		itemScope := merged(scope, item)
		for j := range fd.Fields {
			sub := &fd.Fields[j]
			if sub.Condition != nil && !sub.Condition.Eval(itemScope) {
				continue
			}
			path := fmt.Sprintf("%s[%d].%s", fd.ID, i, sub.ID)
			iv.Fields = append(iv.Fields, b.field(sub, path, item[sub.ID], itemScope))
		}
		fv.Items = append(fv.Items, iv)
	}
	fv.CanAdd = n < maxItems
}

// summary lists the errors of the rendered fields in order, each linking
// to its input, followed by errors of fields not on the page.
func summary(fields []*fieldView, errs []form.FieldError, lang string) []summaryItem {
	var out []summaryItem
	seen := map[string]bool{}
	var walk func(fs []*fieldView)
	walk = func(fs []*fieldView) {
		for _, f := range fs {
			for _, e := range f.Errors {
				out = append(out, summaryItem{Href: "#" + f.ID, Text: f.Label + ": " + e})
			}
			seen[f.Path] = true
			for _, it := range f.Items {
				walk(it.Fields)
			}
		}
	}
	walk(fields)
	for _, e := range errs {
		if !seen[e.Field] {
			out = append(out, summaryItem{Text: e.Message.In(lang)})
		}
	}
	return out
}

type summaryItem struct {
	Href string
	Text string
}

// humanSize formats a byte count ("245 kB", "1,2 MB").
func humanSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%d kB", (n+500)/1000)
	default:
		return strings.Replace(fmt.Sprintf("%.1f MB", float64(n)/1e6), ".", ",", 1)
	}
}

// formatValue is an answer as the review page shows it.
func formatValue(fd *form.Field, v form.Value, lang string) string {
	switch fd.Type.Kind() {
	case form.KindNone:
		return ""
	case form.KindBool:
		if v.Bool() {
			return text("yes", lang)
		}
		return text("no", lang)
	case form.KindList:
		var labels []string
		for _, s := range v.List() {
			labels = append(labels, optionLabel(fd, s, lang))
		}
		return strings.Join(labels, ", ")
	case form.KindFiles:
		var names []string
		for _, f := range v.Files() {
			names = append(names, f.Name+" ("+humanSize(f.Size)+")")
		}
		return strings.Join(names, ", ")
	case form.KindDecimal:
		if lang == "sv" {
			return strings.Replace(v.Text(), ".", ",", 1)
		}
		return v.Text()
	}
	if fd.Type == form.TypeChoice {
		return optionLabel(fd, v.Text(), lang)
	}
	if fd.Type == form.TypePersonnummer {
		return formatPnr(v.Text())
	}
	if fd.Type == form.TypeOrganisationsnummer {
		return formatOrgNr(v.Text())
	}
	return v.Text()
}

func optionLabel(fd *form.Field, value, lang string) string {
	for _, o := range fd.Options {
		if o.Value == value {
			return o.Label.In(lang)
		}
	}
	return value
}
