package oidc_test

import (
	"context"
	"fmt"

	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/identity/oidc"
	"github.com/etjanst/etjanst/identity/oidc/oidctest"
)

// A whole login against a local provider: Begin, the user's browser at the
// provider (played by oidctest), and Complete on the callback.
func ExampleRelyingParty_Complete() {
	ctx := context.Background()
	const callback = "https://e-tjanster.kommun.example/login/callback"

	// The provider: in production the municipality's identity broker.
	op, err := oidctest.New(&oidctest.Options{Clients: []oidctest.Client{{
		ID: "e-tjanster", Secret: "s3cret", RedirectURIs: []string{callback},
	}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer op.Close()
	op.SetUser(oidctest.User{
		Subject: "pairwise-4711",
		ACR:     string(identity.LoA3),
		Claims: map[string]any{
			oidc.ClaimPersonalIdentityNumber: "195001182046", // a Skatteverket test number
			"given_name":                     "Testa",
			"family_name":                    "Testsson",
		},
	})

	rp, err := oidc.New(ctx, oidc.Config{
		Issuer:       op.Issuer(),
		ClientID:     "e-tjanster",
		ClientSecret: "s3cret",
		RedirectURL:  callback,
		ACRValues:    []string{string(identity.LoA3), string(identity.LoA4)},
	}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}

	// GET /login: keep flow in the server-side session, redirect to authURL.
	authURL, flow, err := rp.Begin(ctx, nil)
	if err != nil {
		fmt.Println(err)
		return
	}

	// The browser logs in and comes back with ?code=...&state=...
	query, err := op.Login(ctx, authURL)
	if err != nil {
		fmt.Println(err)
		return
	}

	// GET /login/callback
	who, evidence, err := rp.Complete(ctx, flow, query)
	if err != nil {
		fmt.Println(oidc.Message(err).EN)
		return
	}
	fmt.Println(who) // masked: safe to print and log
	fmt.Println(who.Assurance.Short(), who.GivenName)
	fmt.Println(evidence.Provider == op.Issuer(), len(evidence.Signature) > 0)

	// The flow is single use.
	_, _, err = rp.Complete(ctx, flow, query)
	fmt.Println(err)
	// Output:
	// se-pnr:19500118-**** via oidc
	// loa3 Testa
	// true true
	// oidc: login flow already used
}
