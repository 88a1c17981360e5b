package draft

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
	"sync"
)

// Key is one AES-256 key of a KeyRing.
type Key struct {
	// ID names the key; it is stored beside every sealed payload. 1 to 32
	// characters a-z, A-Z, 0-9, '-' or '_'.
	ID string
	// Secret is 32 random bytes.
	Secret []byte
}

// GenerateKey returns a new random key.
func GenerateKey(id string) (Key, error) {
	k := Key{ID: id, Secret: make([]byte, 32)}
	if _, err := rand.Read(k.Secret); err != nil {
		return Key{}, fmt.Errorf("draft: generate key: %w", err)
	}
	return k, nil
}

// KeyRing seals draft content with AES-256-GCM. It has one active key that
// seals, and older keys kept for opening content sealed before a rotation
// (the janitor re-seals such content under the active key). A separate
// pseudonym key derives the opaque owner keys stored in the database; it
// must never change, or existing drafts become unreachable.
//
// A KeyRing is safe for concurrent use.
type KeyRing struct {
	active    string
	aeads     map[string]cipher.AEAD
	pseudonym []byte
	macs      sync.Pool // of hash.Hash: HMAC-SHA256 keyed with pseudonym
}

// NewKeyRing returns a key ring sealing with active and opening with active
// and old. pseudonymKey (at least 32 bytes) keys the owner pseudonyms.
func NewKeyRing(pseudonymKey []byte, active Key, old ...Key) (*KeyRing, error) {
	if len(pseudonymKey) < 32 {
		return nil, errors.New("draft: pseudonym key must be at least 32 bytes")
	}
	r := &KeyRing{active: active.ID, aeads: map[string]cipher.AEAD{}, pseudonym: append([]byte(nil), pseudonymKey...)}
	for _, k := range append([]Key{active}, old...) {
		if !validKeyID(k.ID) {
			return nil, fmt.Errorf("draft: invalid key id %q", k.ID)
		}
		if len(k.Secret) != 32 {
			return nil, fmt.Errorf("draft: key %q must be 32 bytes", k.ID)
		}
		if _, dup := r.aeads[k.ID]; dup {
			return nil, fmt.Errorf("draft: key id %q given twice", k.ID)
		}
		block, err := aes.NewCipher(k.Secret)
		if err != nil {
			return nil, fmt.Errorf("draft: key %q: %w", k.ID, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("draft: key %q: %w", k.ID, err)
		}
		r.aeads[k.ID] = aead
	}
	return r, nil
}

// ParseKeyRing builds a key ring from text, as kept in a secret store or
// an environment variable: "pseudonym:BASE64;ID:BASE64;ID:BASE64", where the
// first ID is the active key. Secrets are standard or URL-safe base64.
func ParseKeyRing(spec string) (*KeyRing, error) {
	parts := strings.Split(strings.TrimSpace(spec), ";")
	if len(parts) < 2 {
		return nil, errors.New("draft: key ring needs a pseudonym key and at least one key")
	}
	var pseudonym []byte
	var keys []Key
	for i, p := range parts {
		id, b64, ok := strings.Cut(strings.TrimSpace(p), ":")
		if !ok {
			return nil, fmt.Errorf("draft: key ring entry %d is not ID:BASE64", i+1)
		}
		secret, err := decodeBase64(b64)
		if err != nil {
			return nil, fmt.Errorf("draft: key ring entry %d: secret is not base64", i+1)
		}
		if i == 0 {
			if id != "pseudonym" {
				return nil, errors.New("draft: key ring must start with pseudonym:BASE64")
			}
			pseudonym = secret
			continue
		}
		keys = append(keys, Key{ID: id, Secret: secret})
	}
	return NewKeyRing(pseudonym, keys[0], keys[1:]...)
}

func decodeBase64(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("not base64")
}

func validKeyID(id string) bool {
	if id == "" || len(id) > 32 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// ActiveKeyID returns the ID of the key that seals.
func (r *KeyRing) ActiveKeyID() string { return r.active }

const sealVersion = 1

// seal encrypts plaintext under the active key, binding aad. The result is
// version (1 byte) | nonce (12 bytes) | ciphertext and tag.
func (r *KeyRing) seal(plaintext, aad []byte) (keyID string, sealed []byte, err error) {
	aead := r.aeads[r.active]
	out := make([]byte, 1+aead.NonceSize(), 1+aead.NonceSize()+len(plaintext)+aead.Overhead())
	out[0] = sealVersion
	if _, err := rand.Read(out[1:]); err != nil {
		return "", nil, fmt.Errorf("draft: nonce: %w", err)
	}
	return r.active, aead.Seal(out, out[1:1+aead.NonceSize()], plaintext, aad), nil
}

// open decrypts sealed content, returning ErrTampered when it fails
// authentication and ErrKeyMissing for an unknown key ID.
func (r *KeyRing) open(keyID string, sealed, aad []byte) ([]byte, error) {
	aead, ok := r.aeads[keyID]
	if !ok {
		return nil, ErrKeyMissing
	}
	n := aead.NonceSize()
	if len(sealed) < 1+n+aead.Overhead() || sealed[0] != sealVersion {
		return nil, ErrTampered
	}
	plain, err := aead.Open(nil, sealed[1:1+n], sealed[1+n:], aad)
	if err != nil {
		return nil, ErrTampered
	}
	return plain, nil
}

// zeroByte separates the parts of an owner key's input.
var zeroByte = []byte{0}

// ownerKey returns the opaque pseudonym stored as a draft's owner: an
// HMAC-SHA256 of the acting person and the party acted for. The same person
// acting for themselves and for an organisation gets two different keys.
func (r *KeyRing) ownerKey(o owner) string {
	m, _ := r.macs.Get().(hash.Hash)
	if m == nil {
		m = hmac.New(sha256.New, r.pseudonym)
	}
	m.Reset()
	io.WriteString(m, "etjanst.draft.owner.v1\x00")
	io.WriteString(m, o.Actor)
	m.Write(zeroByte)
	io.WriteString(m, o.PartyKind)
	m.Write(zeroByte)
	io.WriteString(m, o.Party)
	var sum [sha256.Size]byte
	key := base64.RawURLEncoding.EncodeToString(m.Sum(sum[:0]))
	r.macs.Put(m)
	return key
}
