package testmail

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Cert is a throwaway self-signed certificate for 127.0.0.1, ::1 and
// localhost. It is its own root, so CAPEM/Pool are what a client must trust.
type Cert struct {
	// Server is the configuration a test server listens with.
	Server *tls.Config
	// CAPEM is the PEM-encoded certificate, for clients configured with a
	// CA file.
	CAPEM []byte
	// Pool holds the certificate, for clients configured with RootCAs.
	Pool *x509.CertPool
}

// NewCert makes a fresh ECDSA certificate valid for an hour.
func NewCert(t TB) *Cert {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("generate key: %v", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(now.UnixNano()),
		Subject:               pkix.Name{CommonName: "rapport test server"},
		NotBefore:             now.Add(-time.Minute),
		NotAfter:              now.Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("create certificate: %v", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("parse certificate: %v", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return &Cert{
		Server: &tls.Config{
			Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}},
			MinVersion:   tls.VersionTLS12,
		},
		CAPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		Pool:  pool,
	}
}

// Client returns a client configuration that trusts only this certificate
// and expects the server name 127.0.0.1.
func (c *Cert) Client() *tls.Config {
	return &tls.Config{RootCAs: c.Pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

// CAFile writes CAPEM to a file in a test temporary directory and returns
// its path.
func (c *Cert) CAFile(t interface {
	TB
	TempDir() string
}) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(p, c.CAPEM, 0o600); err != nil {
		t.Fatalf("write CA file: %v", err)
	}
	return p
}

// TB is the part of testing.TB the servers use. Tests pass their *testing.T;
// the demo passes its own, so the same embedded servers serve both.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}
