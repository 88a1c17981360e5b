package identity_test

import (
	"context"
	"fmt"
	"time"

	"github.com/etjanst/etjanst/identity"
)

func ExampleActFor() {
	at := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	rep := identity.NewStaticRepresentation(&identity.StaticOptions{Now: func() time.Time { return at }})
	person := identity.Principal{
		Subject:   identity.Subject{Scheme: identity.SchemePersonnummer, Value: "191212121212"},
		Assurance: identity.LoA3,
		Method:    identity.MethodBankID,
		AuthTime:  at,
	}
	company := identity.Subject{Scheme: identity.SchemeOrganisationsnummer, Value: "5560360793"}
	_ = rep.Grant(person.Subject, identity.Party{
		Kind:    identity.PartyCompany,
		Subject: company,
		Name:    "Exempelbolaget AB",
		Mandate: &identity.Mandate{Source: identity.MandatePowerOfAttorneyPrefix + "F-2025-17", Permissions: []string{"serveringstillstand"}},
	})

	actor, err := identity.ActFor(context.Background(), rep, person, company)
	fmt.Println(err)
	fmt.Println(actor)
	fmt.Println(actor.Party.Mandate.Source, actor.Permits("serveringstillstand"), actor.Permits("bygglov"))

	_, err = identity.ActFor(context.Background(), rep, person, identity.Subject{Scheme: identity.SchemeOrganisationsnummer, Value: "2120000142"})
	fmt.Println(err)
	// Output:
	// <nil>
	// se-pnr:19121212-**** via bankid for se-orgnr:556036-0793
	// power-of-attorney:F-2025-17 true false
	// identity: act for: identity: no mandate
}
