package form_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/form"
)

func TestRegistry(t *testing.T) {
	t.Parallel()
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r := form.NewRegistry(&form.RegistryOptions{Now: func() time.Time { return clock }})

	v1 := testForm()
	require.NoError(t, r.Register(v1))
	require.NoError(t, r.Register(testForm()), "same content again is a no-op")

	changed := testForm()
	changed.Title = form.T("Annan titel", "Other title")
	require.ErrorIs(t, r.Register(changed), form.ErrVersionConflict, "a published version is immutable")

	v1.Title = form.T("Ändrad efter registrering", "Changed after")
	got, err := r.Get("test", 1)
	require.NoError(t, err)
	require.Equal(t, "Testtjänst", got.Title.SV, "the registry keeps its own copy")

	_, superseded := r.SupersededAt("test", 1)
	require.False(t, superseded)

	clock = clock.Add(24 * time.Hour)
	v2 := testForm()
	v2.Version = 2
	v2.Audience = []form.Audience{form.AudiencePerson, form.AudienceCompany}
	require.NoError(t, r.Register(v2))
	latest, err := r.Latest("test")
	require.NoError(t, err)
	require.Equal(t, 2, latest.Version)
	require.Equal(t, []int{1, 2}, r.Versions("test"))
	at, superseded := r.SupersededAt("test", 1)
	require.True(t, superseded)
	require.Equal(t, clock, at)

	_, err = r.Get("test", 3)
	require.ErrorIs(t, err, form.ErrNotFound)
	_, err = r.Latest("nope")
	require.ErrorIs(t, err, form.ErrNotFound)

	other := testForm()
	other.ID = "annan"
	other.Title = form.T("Annan tjänst", "Another service")
	require.NoError(t, r.Register(other))
	require.Len(t, r.Catalogue(form.AudienceCompany), 1)
	require.Len(t, r.Catalogue(form.AudiencePerson), 2)
	require.Equal(t, "annan", r.Catalogue("")[0].ID, "ordered by Swedish title")
	require.Empty(t, r.Catalogue(form.AudienceAssociation))

	bad := testForm()
	bad.ID = "bad"
	bad.Steps[0].Fields[0].Type = "nope"
	var de *form.DefinitionError
	require.ErrorAs(t, r.Register(bad), &de)
}
