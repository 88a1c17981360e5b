package bankid_test

import (
	"context"
	"fmt"

	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/identity/bankid"
	"github.com/etjanst/etjanst/identity/bankid/bankidtest"
)

// A login with the animated QR code against the fake: the browser shows
// order.QR(now) every second, the user scans it, the server waits.
func ExampleClient_Auth() {
	srv, err := bankidtest.NewServer(nil)
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	client, err := srv.NewClient(nil)
	if err != nil {
		panic(err)
	}
	defer client.Close()
	ctx := context.Background()

	order, err := client.Auth(ctx, bankid.AuthRequest{EndUserIP: "192.0.2.1"})
	if err != nil {
		panic(err)
	}
	resp, _ := client.Collect(ctx, order.OrderRef)
	fmt.Println(resp.Status, resp.HintCode)
	fmt.Println(resp.Message(bankid.MessageContext{QR: true}).Text().SV)

	// The user scans the QR code with the BankID app and approves.
	person := bankidtest.Persons()[0]
	if _, err := srv.Sign(order.QR(order.StartedAt), person.PersonalNumber); err != nil {
		panic(err)
	}
	resp, err = client.Wait(ctx, order.OrderRef, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(resp.Status, resp.CompletionData.User.GivenName)
	// Output:
	// pending outstandingTransaction
	// Starta BankID-appen.
	// complete Astrid
}

// The identity.Provider adapter with a fake whose user logs in by itself
// (Options.AutoPerson), as a development portal would use it.
func ExampleProvider() {
	srv, err := bankidtest.NewServer(&bankidtest.Options{AutoPerson: bankidtest.Persons()[1].PersonalNumber})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	client, err := srv.NewClient(&bankid.Options{PollInterval: 10_000_000}) // 10 ms against the fake
	if err != nil {
		panic(err)
	}
	defer client.Close()
	provider, err := bankid.NewProvider(client, nil)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	ch, err := provider.Start(ctx, identity.StartRequest{EndUserIP: "192.0.2.1", MinAssurance: identity.LoA3})
	if err != nil {
		panic(err)
	}
	res, err := provider.Complete(ctx, ch, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Principal)
	fmt.Println(res.Principal.Assurance.Short(), len(res.Evidence.Signature) > 0)
	// Output:
	// se-pnr:19600120-**** via bankid
	// loa3 true
}
