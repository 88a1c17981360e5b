package pgstore

import (
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Options configures Open. A nil *Options means all defaults.
type Options struct {
	// Schema is the PostgreSQL schema that holds the tables: every
	// connection of the pool gets it as its search_path, and Open creates
	// it when it does not exist. Several deployments (or tests) may share
	// one database, each in its own schema. It must be a plain identifier:
	// a letter or underscore, then letters, digits or underscores, at most
	// 63 bytes. Defaults to the first schema of the server's search_path
	// for the connecting user (usually "public"), which must then exist.
	Schema string

	// MaxConns is the most connections the pool opens. Every transaction
	// holds one until it ends, so it also bounds the concurrent
	// transactions of this process. Defaults to the pool_max_conns
	// parameter of the DSN when given, else 4 or the number of CPUs,
	// whichever is greater (pgxpool's default).
	MaxConns int32

	// Logger receives one Info line per applied migration and a Debug line
	// per retried operation. Defaults to slog.Default().
	Logger *slog.Logger

	// Now stamps the applied_at column of schema_migrations. It is not
	// used for rows: the contract passes every row time in. Defaults to
	// time.Now.
	Now func() time.Time
}

// maxSchemaLen is PostgreSQL's identifier limit (NAMEDATALEN - 1).
const maxSchemaLen = 63

// withDefaults validates o and returns a copy with the defaults filled in.
// Schema stays empty when not given: Open asks the server for it.
func (o *Options) withDefaults() (Options, error) {
	var r Options
	if o != nil {
		r = *o
	}
	if r.Schema != "" {
		if err := checkSchema(r.Schema); err != nil {
			return r, err
		}
	}
	if r.MaxConns < 0 {
		return r, errors.New("pgstore: negative MaxConns")
	}
	if r.Logger == nil {
		r.Logger = slog.Default()
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	return r, nil
}

// checkSchema accepts plain identifiers only, so the name needs no quoting
// rules beyond the double quotes Open puts around it anyway.
func checkSchema(s string) error {
	if s == "" {
		return errors.New("pgstore: empty schema name")
	}
	if len(s) > maxSchemaLen {
		return fmt.Errorf("pgstore: schema name longer than %d bytes", maxSchemaLen)
	}
	for i, c := range s {
		switch {
		case c == '_', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return fmt.Errorf("pgstore: schema name %q is not a plain identifier", s)
		}
	}
	return nil
}
