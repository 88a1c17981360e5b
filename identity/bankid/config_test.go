package bankid_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/etjanst/etjanst/identity/bankid"
	"github.com/etjanst/etjanst/identity/bankid/bankidtest"
)

func TestLoadCertificates(t *testing.T) {
	t.Parallel()
	b := setup(t, nil, nil)
	rp := b.srv.RPCertificate()

	fromPEM, err := bankid.LoadPEM(rp.CertPEM, rp.KeyPEM)
	require.NoError(t, err)
	p12, err := rp.PKCS12("qwerty123")
	require.NoError(t, err)
	fromP12, err := bankid.LoadPKCS12(p12, "qwerty123")
	require.NoError(t, err)
	_, err = bankid.LoadPKCS12(p12, "wrong")
	require.ErrorIs(t, err, bankid.ErrConfig)
	_, err = bankid.LoadPEM(rp.CertPEM, []byte("nope"))
	require.ErrorIs(t, err, bankid.ErrConfig)

	cas, err := bankid.ParseCAs(b.srv.CACertPEM())
	require.NoError(t, err)
	_, err = bankid.ParseCAs(rp.KeyPEM)
	require.ErrorIs(t, err, bankid.ErrConfig)
	_, err = bankid.ParseCAs([]byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"))
	require.ErrorIs(t, err, bankid.ErrConfig)

	for name, cert := range map[string]bankid.Config{
		"pem":    {URL: b.srv.URL, Certificate: fromPEM, RootCAs: cas},
		"pkcs12": {URL: b.srv.URL, Certificate: fromP12, RootCAs: cas},
	} {
		c, err := bankid.New(cert, nil)
		require.NoError(t, err, name)
		_, err = c.Auth(t.Context(), bankid.AuthRequest{EndUserIP: "192.0.2.1"})
		require.NoError(t, err, name)
		c.Close()
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	srv, err := bankidtest.NewServer(nil)
	require.NoError(t, err)
	defer srv.Close()
	good := srv.ClientConfig()
	tests := map[string]func(c *bankid.Config){
		"http":        func(c *bankid.Config) { c.URL = "http://appapi2.bankid.com/rp/v6.0" },
		"relative":    func(c *bankid.Config) { c.URL = "/rp/v6.0" },
		"query":       func(c *bankid.Config) { c.URL = bankid.ProductionURL + "?x=1" },
		"no cert":     func(c *bankid.Config) { c.Certificate.Certificate = nil },
		"no key":      func(c *bankid.Config) { c.Certificate.PrivateKey = nil },
		"no root CAs": func(c *bankid.Config) { c.RootCAs = nil },
	}
	for name, mutate := range tests {
		cfg := good
		mutate(&cfg)
		_, err := bankid.New(cfg, nil)
		require.ErrorIs(t, err, bankid.ErrConfig, name)
	}
	c, err := bankid.New(good, nil)
	require.NoError(t, err)
	require.Equal(t, srv.URL, c.URL())
}
