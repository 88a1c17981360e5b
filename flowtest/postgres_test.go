package flowtest_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/examples/forms"
	"github.com/etjanst/etjanst/flowtest"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/storage/pgstore/pgstoretest"
	"github.com/etjanst/etjanst/submission"
)

// TestFlowsOnPostgreSQL runs a whole application, the officer's handling
// and the applicant's complement on PostgreSQL (skipped without
// ETJANST_PG_DSN; CI sets it).
func TestFlowsOnPostgreSQL(t *testing.T) {
	t.Parallel()
	env := flowtest.New(t, &flowtest.Options{Driver: pgstoretest.Open(t, nil)})
	a := env.Applicant(t, pnrA).Login()
	a.Start(forms.Parkeringstillstand).FillSample().Save()
	r := a.Login().Resume().Submit()
	o := env.Officer(t, "handlaggare1", identity.Role{Name: identity.RoleOfficer, Services: []string{forms.Parkeringstillstand}})
	o.Acknowledge(r.CaseID).RequestComplement(r.CaseID, "Ange ditt telefonnummer.", "telefon")
	a.Complement(r.CaseID, map[string]any{"telefon": "070-765 43 21"}, "")
	o.Close(r.CaseID, "Beviljas.", "Beviljad")
	require.Equal(t, submission.StatusClosed, a.Case(r.CaseID).Status)
	env.Deliver(t)
	require.Len(t, a.Inbox(), 5)
	env.Verify(t, r.CaseID)
}
