package form_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/form"
)

// TestConditionFixtures runs the published condition semantics
// (testdata/conditions.json) through the server's evaluator.
func TestConditionFixtures(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/conditions.json")
	require.NoError(t, err)
	var doc struct {
		Cases []struct {
			Name      string          `json:"name"`
			Fields    json.RawMessage `json:"fields"`
			Values    json.RawMessage `json:"values"`
			Condition json.RawMessage `json:"condition"`
			Want      bool            `json:"want"`
		} `json:"cases"`
	}
	require.NoError(t, json.Unmarshal(data, &doc))
	require.GreaterOrEqual(t, len(doc.Cases), 40)
	for _, tc := range doc.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			t.Parallel()
			def := `{"id":"fixture","version":1,"title":"Fixture","audience":["person"],
				"steps":[{"id":"s","title":"Steg","fields":` + string(tc.Fields) + `}]}`
			f, err := form.Parse([]byte(def))
			require.NoError(t, err)
			values, err := form.DecodeJSON(f, tc.Values)
			require.NoError(t, err)
			var c form.Condition
			require.NoError(t, json.Unmarshal(tc.Condition, &c))
			require.Equal(t, tc.Want, c.Eval(values))
		})
	}
}
