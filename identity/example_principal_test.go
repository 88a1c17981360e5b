package identity_test

import (
	"fmt"
	"time"

	"github.com/etjanst/etjanst/identity"
)

func ExamplePrincipal() {
	who := identity.Principal{
		Subject:   identity.Subject{Scheme: identity.SchemePersonnummer, Value: "191212121212"},
		GivenName: "Tolvan",
		Assurance: identity.LoA3,
		Method:    identity.MethodBankID,
		AuthTime:  time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC),
	}
	fmt.Println(who.Validate())
	fmt.Println(who) // masked, no names
	fmt.Println(who.Assurance.AtLeast(identity.EIDASSubstantial))
	fmt.Println(who.AuthenticatedWithin(who.AuthTime.Add(10*time.Minute), 15*time.Minute))
	// Output:
	// <nil>
	// se-pnr:19121212-**** via bankid
	// true
	// true
}
