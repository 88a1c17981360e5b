package bankid

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"software.sslmate.com/src/go-pkcs12"
)

// Base URLs of the BankID RP API v6.0.
const (
	// ProductionURL is BankID's production environment.
	ProductionURL = "https://appapi2.bankid.com/rp/v6.0"
	// TestURL is BankID's public test environment.
	TestURL = "https://appapi2.test.bankid.com/rp/v6.0"
)

// ErrConfig reports an invalid Config or unreadable certificate material.
var ErrConfig = errors.New("bankid: invalid configuration")

// Config is what a relying party needs to talk to BankID: the service URL,
// its RP certificate (client certificate for mutual TLS) and the BankID CA
// that issued the server certificate. Nothing else is trusted: the system
// roots are not used.
type Config struct {
	// URL is the API base URL, ProductionURL or TestURL (or a fake's URL).
	URL string
	// Certificate is the RP certificate with its private key; load it with
	// LoadPEM or LoadPKCS12.
	Certificate tls.Certificate
	// RootCAs holds the BankID CA certificate(s) that issue the server
	// certificate (BankID publishes them per environment); build it with
	// ParseCAs.
	RootCAs *x509.CertPool
}

// LoadPEM loads an RP certificate (with any intermediates) and its private
// key from PEM blocks. Errors wrap ErrConfig.
func LoadPEM(certPEM, keyPEM []byte) (tls.Certificate, error) {
	c, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("%w: RP certificate PEM: %w", ErrConfig, err)
	}
	return c, nil
}

// LoadPKCS12 loads an RP certificate and key from a PKCS#12 (.p12, .pfx)
// file as BankID issues them. Errors wrap ErrConfig.
func LoadPKCS12(data []byte, password string) (tls.Certificate, error) {
	key, leaf, chain, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("%w: RP certificate PKCS#12: %w", ErrConfig, err)
	}
	c := tls.Certificate{PrivateKey: key, Leaf: leaf, Certificate: [][]byte{leaf.Raw}}
	for _, ca := range chain {
		c.Certificate = append(c.Certificate, ca.Raw)
	}
	return c, nil
}

// ParseCAs builds the pool of trusted BankID CA certificates from PEM.
// It fails unless at least one certificate is found. Errors wrap ErrConfig.
func ParseCAs(caPEM []byte) (*x509.CertPool, error) {
	pool := x509.NewCertPool()
	n := 0
	for rest := caPEM; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: CA certificate: %w", ErrConfig, err)
		}
		pool.AddCert(c)
		n++
	}
	if n == 0 {
		return nil, fmt.Errorf("%w: no CA certificate in PEM", ErrConfig)
	}
	return pool, nil
}
