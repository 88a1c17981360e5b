package form

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Op is the comparison of a leaf Condition.
type Op string

// The comparison operators. Their exact semantics are published as JSON
// fixtures in testdata/conditions.json so that other renderers (a browser
// script, a mobile app) can prove they agree with the server:
//
//   - equals: the field's value equals Value. For a multichoice field it
//     means "the selection contains Value". An unanswered field equals
//     nothing, except a boolean, which is false until checked.
//   - notEquals: the negation of equals.
//   - in: Value is a list; equals holds for one of its elements.
//   - greaterThan, lessThan: numbers compare numerically, dates
//     (YYYY-MM-DD) by date; for multichoice, file and group fields the
//     number of selected options, files or items is compared. Anything else
//     (an unanswered field, text) is false for both.
//   - isSet: the field is answered: non-blank text, a checked box, at least
//     one option, file or item.
const (
	OpEquals      Op = "equals"
	OpNotEquals   Op = "notEquals"
	OpIn          Op = "in"
	OpGreaterThan Op = "greaterThan"
	OpLessThan    Op = "lessThan"
	OpIsSet       Op = "isSet"
)

// Condition decides whether a step or field is visible. It is data, not
// code: exactly one of All, Any, Not or Field is set. A leaf compares the
// value of another field (Field) using Op with Value.
//
// Field names a top-level field of an earlier step or an earlier field of
// the same step. Inside a repeating group, a name is looked up among the
// sub-fields of the same item first.
type Condition struct {
	All   []Condition `json:"all,omitempty"`
	Any   []Condition `json:"any,omitempty"`
	Not   *Condition  `json:"not,omitempty"`
	Field string      `json:"field,omitempty"`
	Op    Op          `json:"op,omitempty"`
	// Value is a string, a number (json.Number, int, int64 or float64), a
	// bool, or for "in" a list of those.
	Value any `json:"value,omitempty"`
}

// UnmarshalJSON decodes a condition keeping numbers exact (json.Number).
func (c *Condition) UnmarshalJSON(data []byte) error {
	type plain Condition
	var p plain
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return err
	}
	*c = Condition(p)
	return nil
}

// Eval evaluates c over values (the answers of the form so far).
func (c *Condition) Eval(values Values) bool {
	return c.eval(scope{top: values})
}

// scope resolves field names: the current group item first, then the
// top-level answers.
type scope struct {
	item Values
	top  Values
}

func (s scope) lookup(name string) Value {
	if s.item != nil {
		if v, ok := s.item[name]; ok {
			return v
		}
	}
	return s.top[name]
}

func (c *Condition) eval(s scope) bool {
	switch {
	case c == nil:
		return true
	case c.All != nil:
		for i := range c.All {
			if !c.All[i].eval(s) {
				return false
			}
		}
		return true
	case c.Any != nil:
		for i := range c.Any {
			if c.Any[i].eval(s) {
				return true
			}
		}
		return false
	case c.Not != nil:
		return !c.Not.eval(s)
	}
	v := s.lookup(c.Field)
	switch c.Op {
	case OpIsSet:
		return v.isSet()
	case OpEquals:
		return equalsOperand(v, c.Value)
	case OpNotEquals:
		return !equalsOperand(v, c.Value)
	case OpIn:
		list, ok := operandList(c.Value)
		if !ok {
			return false
		}
		for _, x := range list {
			if equalsOperand(v, x) {
				return true
			}
		}
		return false
	case OpGreaterThan:
		cmp, ok := compareOperand(v, c.Value)
		return ok && cmp > 0
	case OpLessThan:
		cmp, ok := compareOperand(v, c.Value)
		return ok && cmp < 0
	}
	return false
}

func operandList(x any) ([]any, bool) {
	switch l := x.(type) {
	case []any:
		return l, true
	case []string:
		out := make([]any, len(l))
		for i, s := range l {
			out[i] = s
		}
		return out, true
	}
	return nil, false
}

// operandNumber returns the canonical decimal text of a numeric operand.
func operandNumber(x any) (string, bool) {
	switch n := x.(type) {
	case json.Number:
		return canonicalDecimal(string(n))
	case int:
		return strconv.Itoa(n), true
	case int64:
		return strconv.FormatInt(n, 10), true
	case float64:
		return canonicalDecimal(strconv.FormatFloat(n, 'f', -1, 64))
	}
	return "", false
}

func equalsOperand(v Value, x any) bool {
	switch v.kind {
	case KindNone:
		if b, ok := x.(bool); ok {
			return !b // an unanswered checkbox is false
		}
		return false
	case KindText, KindDate:
		s, ok := x.(string)
		return ok && s == v.s
	case KindInt, KindDecimal:
		n, ok := operandNumber(x)
		return ok && compareDecimal(v.numberText(), n) == 0
	case KindBool:
		b, ok := x.(bool)
		return ok && b == v.Bool()
	case KindList:
		s, ok := x.(string)
		if !ok {
			return false
		}
		for _, e := range v.list {
			if e == s {
				return true
			}
		}
	}
	return false
}

func compareOperand(v Value, x any) (int, bool) {
	switch v.kind {
	case KindInt, KindDecimal:
		n, ok := operandNumber(x)
		if !ok {
			return 0, false
		}
		return compareDecimal(v.numberText(), n), true
	case KindDate:
		s, ok := x.(string)
		if !ok {
			return 0, false
		}
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return 0, false
		}
		return strings.Compare(v.s, s), true
	case KindList, KindFiles, KindGroup:
		n, ok := operandNumber(x)
		if !ok {
			return 0, false
		}
		count := len(v.list) + len(v.files) + len(v.items)
		return compareDecimal(strconv.Itoa(count), n), true
	}
	return 0, false
}

func (v Value) numberText() string {
	if v.kind == KindInt {
		return strconv.FormatInt(v.n, 10)
	}
	return v.s
}

// compareDecimal compares two canonical decimal strings exactly.
func compareDecimal(a, b string) int {
	an, bn := strings.HasPrefix(a, "-"), strings.HasPrefix(b, "-")
	switch {
	case an && !bn:
		return -1
	case !an && bn:
		return 1
	case an && bn:
		return -compareDecimal(a[1:], b[1:])
	}
	ai, af, _ := strings.Cut(a, ".")
	bi, bf, _ := strings.Cut(b, ".")
	if len(ai) != len(bi) {
		if len(ai) < len(bi) {
			return -1
		}
		return 1
	}
	if c := strings.Compare(ai, bi); c != 0 {
		return c
	}
	return strings.Compare(af, bf) // canonical: no trailing zeros, so plain comparison works
}

// shapeError reports a malformed condition node, or "".
func (c *Condition) shapeError() string {
	n := 0
	if c.All != nil {
		n++
	}
	if c.Any != nil {
		n++
	}
	if c.Not != nil {
		n++
	}
	if c.Field != "" || c.Op != "" {
		n++
	}
	switch {
	case n == 0:
		return "empty condition: set one of all, any, not or field"
	case n > 1:
		return "a condition sets exactly one of all, any, not or field"
	case c.All != nil && len(c.All) == 0, c.Any != nil && len(c.Any) == 0:
		return "all/any needs at least one condition"
	case c.Field == "" && c.Op != "":
		return "op without field"
	}
	if c.Field == "" {
		return ""
	}
	switch c.Op {
	case OpIsSet:
		if c.Value != nil {
			return "isSet takes no value"
		}
	case OpEquals, OpNotEquals:
		if !scalarOperand(c.Value) {
			return fmt.Sprintf("%s needs a string, number or boolean value", c.Op)
		}
	case OpIn:
		l, ok := operandList(c.Value)
		if !ok || len(l) == 0 {
			return "in needs a non-empty list value"
		}
		for _, x := range l {
			if !scalarOperand(x) {
				return "in needs a list of strings, numbers or booleans"
			}
		}
	case OpGreaterThan, OpLessThan:
		if _, ok := operandNumber(c.Value); ok {
			return ""
		}
		if s, ok := c.Value.(string); ok {
			if _, err := time.Parse(time.DateOnly, s); err == nil {
				return ""
			}
		}
		return fmt.Sprintf("%s needs a number or a date (YYYY-MM-DD)", c.Op)
	case "":
		return "missing op"
	default:
		return fmt.Sprintf("unknown op %q", c.Op)
	}
	return ""
}

func scalarOperand(x any) bool {
	switch x.(type) {
	case string, bool:
		return true
	}
	_, ok := operandNumber(x)
	return ok
}
