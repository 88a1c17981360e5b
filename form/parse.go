package form

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Parse decodes a JSON form definition strictly and lints it. Unknown keys,
// duplicate keys and values of the wrong JSON type are errors with their
// JSON path and line:col; Parse then reports every problem Lint finds, also
// located in the source. It returns a *DefinitionError listing all of
// them, or an error wrapping ErrTooLarge for input over MaxDefinitionSize.
func Parse(data []byte) (*Form, error) {
	if len(data) > MaxDefinitionSize {
		return nil, fmt.Errorf("form: definition of %d bytes (max %d): %w", len(data), MaxDefinitionSize, ErrTooLarge)
	}
	w := &walker{data: data, pos: map[string]int{}}
	w.dec = json.NewDecoder(bytes.NewReader(data))
	w.dec.UseNumber()
	w.run(reflect.TypeFor[Form]())
	if len(w.probs) > 0 {
		return nil, &DefinitionError{FormID: w.formID, Problems: w.probs}
	}
	f := new(Form)
	if err := json.Unmarshal(data, f); err != nil {
		// The walk accepted the document, so this is unexpected; report it
		// rather than fail silently.
		return nil, &DefinitionError{FormID: w.formID, Problems: []Problem{{Code: "invalidJSON", Message: err.Error()}}}
	}
	if probs := f.Lint(); len(probs) > 0 {
		for i := range probs {
			probs[i].Line, probs[i].Col = w.locate(probs[i].Path)
		}
		return nil, &DefinitionError{FormID: f.ID, Problems: probs}
	}
	return f, nil
}

// walker checks a JSON document against the shape of a Go type, token by
// token, recording the position of every path it visits.
type walker struct {
	data   []byte
	dec    *json.Decoder
	pos    map[string]int
	probs  []Problem
	formID string
	depth  int
}

var errStop = errors.New("stop")

func (w *walker) run(t reflect.Type) {
	defer func() {
		if r := recover(); r != nil {
			if r != errStop { //nolint:errorlint // sentinel identity
				panic(r)
			}
		}
	}()
	w.value(t, "")
	if _, err := w.dec.Token(); err != io.EOF {
		w.stop("", "invalidJSON", "unexpected data after the definition")
	}
}

// stop records a fatal problem (the token stream cannot be followed further).
func (w *walker) stop(path, code, msg string) {
	w.add(path, code, msg)
	panic(errStop)
}

func (w *walker) add(path, code, msg string) {
	line, col := w.lineCol(int(w.dec.InputOffset()))
	if off, ok := w.pos[path]; ok {
		line, col = w.lineCol(off)
	}
	w.probs = append(w.probs, Problem{Path: path, Line: line, Col: col, Code: code, Message: msg})
}

func (w *walker) token(path string) json.Token {
	tok, err := w.dec.Token()
	if err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line, col := w.lineCol(int(se.Offset))
			w.probs = append(w.probs, Problem{Path: path, Line: line, Col: col, Code: "invalidJSON", Message: se.Error()})
			panic(errStop)
		}
		if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
			w.stop(path, "invalidJSON", "unexpected end of JSON")
		}
		w.stop(path, "invalidJSON", err.Error())
	}
	return tok
}

var (
	textType = reflect.TypeFor[Text]()
	anyType  = reflect.TypeFor[any]()
)

func (w *walker) value(t reflect.Type, path string) {
	w.depth++
	defer func() { w.depth-- }()
	if w.depth > 64 {
		w.stop(path, "tooDeep", "JSON nests deeper than 64 levels")
	}
	w.mark(path)
	if t == anyType {
		w.skip(path)
		return
	}
	tok := w.token(path)
	if t.Kind() == reflect.Pointer {
		if tok == nil {
			return
		}
		t = t.Elem()
	}
	if t == textType {
		if _, ok := tok.(string); ok {
			return
		}
		if d, ok := tok.(json.Delim); !ok || d != '{' {
			w.add(path, "wrongType", "expected a text: a string or {\"sv\": ..., \"en\": ...}")
			w.rest(tok, path)
			return
		}
		w.object(t, path)
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if d, ok := tok.(json.Delim); !ok || d != '{' {
			w.add(path, "wrongType", "expected an object")
			w.rest(tok, path)
			return
		}
		w.object(t, path)
	case reflect.Slice:
		if tok == nil {
			return
		}
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			w.add(path, "wrongType", "expected an array")
			w.rest(tok, path)
			return
		}
		for i := 0; w.dec.More(); i++ {
			if i >= 10000 {
				w.stop(path, "tooLarge", "array longer than 10000 elements")
			}
			w.value(t.Elem(), path+"["+strconv.Itoa(i)+"]")
		}
		w.token(path)
	case reflect.String:
		if _, ok := tok.(string); !ok {
			w.add(path, "wrongType", "expected a string")
			w.rest(tok, path)
		}
	case reflect.Bool:
		if _, ok := tok.(bool); !ok {
			w.add(path, "wrongType", "expected true or false")
			w.rest(tok, path)
		}
	case reflect.Int, reflect.Int64:
		n, ok := tok.(json.Number)
		if !ok {
			w.add(path, "wrongType", "expected an integer")
			w.rest(tok, path)
			return
		}
		if _, err := strconv.ParseInt(string(n), 10, 64); err != nil {
			w.add(path, "wrongType", "expected an integer")
		} else if t.Kind() == reflect.Int && (len(n) > 10) {
			w.add(path, "wrongType", "integer out of range")
		}
	default:
		w.skip(path)
	}
}

// object walks the members of an object whose '{' has been read.
func (w *walker) object(t reflect.Type, path string) {
	fields := jsonFields(t)
	seen := map[string]bool{}
	for w.dec.More() {
		keyOff := w.offset()
		tok := w.token(path)
		key, _ := tok.(string)
		kp := key
		if path != "" {
			kp = path + "." + key
		}
		w.pos[kp] = keyOff
		if seen[key] {
			w.add(kp, "duplicateKey", fmt.Sprintf("key %q appears twice", key))
		}
		seen[key] = true
		ft, ok := fields[key]
		if !ok {
			w.add(kp, "unknownKey", fmt.Sprintf("unknown key %q (known: %s)", key, strings.Join(slices.Sorted(maps.Keys(fields)), ", ")))
			w.skip(kp)
			continue
		}
		if path == "" && key == "id" {
			start := w.offset()
			w.value(ft, kp)
			var id string
			if err := json.Unmarshal(w.data[start:w.dec.InputOffset()], &id); err == nil && len(id) <= 64 {
				w.formID = id
			}
			continue
		}
		w.value(ft, kp)
	}
	w.token(path)
}

// jsonFields maps the JSON keys of a struct type to their field types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		out[name] = sf.Type
	}
	return out
}

// rest consumes the remainder of a value whose first token was tok.
func (w *walker) rest(tok json.Token, path string) {
	d, ok := tok.(json.Delim)
	if !ok || (d != '{' && d != '[') {
		return
	}
	for depth := 1; depth > 0; {
		t := w.token(path)
		if d, ok := t.(json.Delim); ok {
			switch d {
			case '{', '[':
				depth++
				if depth > 64 {
					w.stop(path, "tooDeep", "JSON nests deeper than 64 levels")
				}
			default:
				depth--
			}
		}
	}
}

func (w *walker) skip(path string) { w.rest(w.token(path), path) }

// mark records where path's value starts, unless its key was recorded.
func (w *walker) mark(path string) {
	if _, ok := w.pos[path]; !ok {
		w.pos[path] = w.offset()
	}
}

// offset returns the offset of the next token, skipping separators.
func (w *walker) offset() int {
	off := int(w.dec.InputOffset())
	for off < len(w.data) {
		switch w.data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}

func (w *walker) lineCol(off int) (int, int) {
	if off > len(w.data) {
		off = len(w.data)
	}
	before := w.data[:off]
	line := bytes.Count(before, []byte{'\n'}) + 1
	start := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(before[start:]) + 1
}

// locate returns the line and column of the longest recorded prefix of path.
func (w *walker) locate(path string) (int, int) {
	for p := path; p != ""; {
		if off, ok := w.pos[p]; ok {
			return w.lineCol(off)
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return 0, 0
}
