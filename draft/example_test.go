package draft_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/etjanst/etjanst/draft"
	"github.com/etjanst/etjanst/form"
	"github.com/etjanst/etjanst/identity"
	"github.com/etjanst/etjanst/storage/sqlitestore"
)

func ExampleStore_Save() {
	ctx := context.Background()
	dir, _ := os.MkdirTemp("", "draft-example")
	defer os.RemoveAll(dir)
	db, _ := sqlitestore.Open(ctx, filepath.Join(dir, "etjanst.db"), &sqlitestore.Options{Logger: slog.New(slog.DiscardHandler)})
	defer db.Close()

	forms := form.NewRegistry(nil)
	forms.MustRegister(&form.Form{ID: "anmalan", Version: 1, Title: form.T("Anmälan", "Notification"),
		Audience: []form.Audience{form.AudiencePerson},
		Steps: []form.Step{{ID: "sokande", Title: form.T("Sökande", "Applicant"), Fields: []form.Field{
			{ID: "namn", Type: form.TypeText, Label: form.T("Namn", "Name"), Prefill: form.PrefillFullName},
			{ID: "antal", Type: form.TypeInteger, Label: form.T("Antal", "Count"), Max: "10"},
		}}}})
	key, _ := draft.GenerateKey("k1")
	ring, _ := draft.NewKeyRing(bytes.Repeat([]byte{1}, 32), key) // keep keys in a secret store
	store, _ := draft.NewStore(db, forms, ring, nil)

	who := identity.Principal{Subject: identity.Subject{Scheme: identity.SchemePersonnummer, Value: "195001182046"},
		GivenName: "Tolvan", FamilyName: "Tolvansson", Assurance: identity.LoA3, Method: identity.MethodBankID, AuthTime: time.Now()}
	d, _ := store.Create(ctx, who, "anmalan", nil)
	fmt.Println("prefilled:", d.Values["namn"].Text())

	v := d.Values.Clone()
	v["antal"] = form.Int(3)
	saved, err := store.Save(ctx, who, d.ID, draft.SaveParams{Revision: d.Revision, Values: v})
	fmt.Println("saved revision:", saved.Revision, err)

	// A second tab still holding revision 1 cannot overwrite the save.
	_, err = store.Save(ctx, who, d.ID, draft.SaveParams{Revision: d.Revision, Values: v})
	fmt.Println(errors.Is(err, draft.ErrConflict))

	// Someone else cannot tell the draft exists.
	other := who
	other.Subject.Value = "195001232296"
	_, err = store.Get(ctx, other, d.ID)
	fmt.Println(err)
	// Output:
	// prefilled: Tolvan Tolvansson
	// saved revision: 2 <nil>
	// true
	// draft: not found
}
