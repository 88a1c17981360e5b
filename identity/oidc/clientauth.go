package oidc

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"fmt"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/cryptosigner"
	"github.com/go-jose/go-jose/v4/jwt"
)

// clientAssertionType is the assertion type of private_key_jwt (RFC 7523).
const clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// assertionLifetime is the lifetime of a client assertion; a new one is
// made for every token request.
const assertionLifetime = 2 * time.Minute

// assertionAlg picks the JWS algorithm for a client key.
func assertionAlg(k crypto.Signer) (jose.SignatureAlgorithm, error) {
	switch pub := k.Public().(type) {
	case *rsa.PublicKey:
		if pub.N.BitLen() < 2048 {
			return "", fmt.Errorf("%w: RSA client key shorter than 2048 bits", ErrConfig)
		}
		return jose.RS256, nil
	case *ecdsa.PublicKey:
		switch pub.Curve {
		case elliptic.P256():
			return jose.ES256, nil
		case elliptic.P384():
			return jose.ES384, nil
		case elliptic.P521():
			return jose.ES512, nil
		}
		return "", fmt.Errorf("%w: unsupported ECDSA curve for the client key", ErrConfig)
	case ed25519.PublicKey:
		return jose.EdDSA, nil
	}
	return "", fmt.Errorf("%w: unsupported client key type %T", ErrConfig, k.Public())
}

// clientAssertion signs a private_key_jwt assertion for the token
// endpoint (OpenID Connect Core section 9): iss and sub are the client ID,
// aud the token endpoint, with a fresh jti.
func (rp *RelyingParty) clientAssertion() (string, error) {
	alg, err := assertionAlg(rp.cfg.ClientKey)
	if err != nil {
		return "", err
	}
	var key any = cryptosigner.Opaque(rp.cfg.ClientKey)
	if rp.cfg.ClientKeyID != "" {
		key = jose.JSONWebKey{Key: cryptosigner.Opaque(rp.cfg.ClientKey), KeyID: rp.cfg.ClientKeyID, Algorithm: string(alg)}
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", fmt.Errorf("oidc: client assertion signer: %w", err)
	}
	now := rp.now()
	claims := jwt.Claims{
		Issuer:    rp.cfg.ClientID,
		Subject:   rp.cfg.ClientID,
		Audience:  jwt.Audience{rp.tokenURL},
		ID:        randomToken(),
		IssuedAt:  jwt.NewNumericDate(now),
		NotBefore: jwt.NewNumericDate(now.Add(-time.Minute)),
		Expiry:    jwt.NewNumericDate(now.Add(assertionLifetime)),
	}
	s, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		return "", fmt.Errorf("oidc: sign client assertion: %w", err)
	}
	return s, nil
}
