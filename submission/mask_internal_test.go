package submission

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestMaskValuesTellsFilesFromGroups: a list of file references keeps its
// structure with the name of a hidden file withheld; a group whose fields
// happen to be called id and sha256 is not taken for a file, and its
// other fields are masked as decided.
func TestMaskValuesTellsFilesFromGroups(t *testing.T) {
	t.Parallel()
	doc := []byte(`{
		"intyg": [{"id": "a1", "name": "intyg-Anna.pdf", "contentType": "application/pdf", "size": 3, "sha256": "ab"}],
		"personer": [{"id": "p1", "sha256": "x", "namn": "Anna Andersson"}]
	}`)
	leaf := func(path string, v any) any {
		if path == "personer[0].namn" {
			return MaskedText
		}
		return v
	}
	out, err := maskValues(doc, leaf, func(id string) bool { return id == "a1" })
	require.NoError(t, err)
	var got map[string][]map[string]any
	require.NoError(t, json.Unmarshal(out, &got))
	require.Equal(t, WithheldText, got["intyg"][0]["name"], "the hidden file's name")
	require.Equal(t, "a1", got["intyg"][0]["id"])
	require.Equal(t, MaskedText, got["personer"][0]["namn"], "a group item is masked field by field")
	require.Equal(t, "p1", got["personer"][0]["id"])
}
