package pgstore_test

import (
	"testing"

	"github.com/etjanst/etjanst/storage"
	"github.com/etjanst/etjanst/storage/storagetest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	dsn := testDSN(t)
	storagetest.Run(t, func(t *testing.T) storage.Driver {
		return openTestDB(t, dsn)
	}, nil)
}
