// Discovery tests on recorded DNS-SD answers (no live mDNS query: tests send nothing beyond loopback).

package escl_test

import (
	"net"
	"slices"
	"testing"

	"github.com/hashicorp/mdns"

	"sohoa/scanner/escl"
)

// Recorded _uscan._tcp / _uscans._tcp answers, as hashicorp/mdns hands them over.
var (
	entryHP = &mdns.ServiceEntry{
		Name:   `HP\ LaserJet\ MFP\ M426fdn\ \(1B2C3D\)._uscan._tcp.local.`,
		Host:   "NPI1B2C3D.local.",
		AddrV4: net.IPv4(192, 168, 1, 20),
		Port:   8080,
		InfoFields: []string{"txtvers=1", "vers=2.63", "rs=/eSCL", "ty=HP LaserJet MFP M426fdn",
			"pdl=application/pdf,image/jpeg", "UUID=564E4333-4A30-3838-3430-A0481CB51A8E",
			"cs=color,grayscale,binary", "is=platen,adf", "duplex=T", "adminurl=http://NPI1B2C3D.local./#hId-pgAirPrint", "note="},
	}
	entryHPSecure = &mdns.ServiceEntry{
		Name:       `HP\ LaserJet\ MFP\ M426fdn\ \(1B2C3D\)._uscans._tcp.local.`,
		AddrV4:     net.IPv4(192, 168, 1, 20),
		Port:       443,
		InfoFields: []string{"rs=eSCL", "ty=HP LaserJet MFP M426fdn", "UUID=564e4333-4a30-3838-3430-a0481cb51a8e"},
	}
	entryCanonV6 = &mdns.ServiceEntry{
		Name:         `Canon\032MF640C\032Series._uscan._tcp.local.`,
		AddrV6IPAddr: &net.IPAddr{IP: net.ParseIP("fe80::1e2:3ff:fe4:5"), Zone: "eth0"},
		Port:         80,
		InfoFields:   []string{"Rs=eSCL", "CS=color,grayscale", "is=platen,adf", "Duplex=F", "uuid=urn:uuid:6d4ff0ce-6b11-11d8-8020-f48139a1fc1a"},
	}
	entryNoAddr = &mdns.ServiceEntry{Name: `Ghost._uscan._tcp.local.`, Port: 80, InfoFields: []string{"ty=Ghost"}}
	entryRoot   = &mdns.ServiceEntry{Name: `Root._uscan._tcp.local.`, AddrV4: net.IPv4(10, 0, 0, 9), Port: 80, InfoFields: []string{"rs=", "ty=Root MFP"}}
)

func TestServiceFromEntry(t *testing.T) {
	s, ok := escl.ServiceFromEntry(entryHP, false)
	if !ok {
		t.Fatal("HP entry refused")
	}
	if s.BaseURL() != "http://192.168.1.20:8080/eSCL" || s.Model != "HP LaserJet MFP M426fdn" ||
		s.UUID != "564e4333-4a30-3838-3430-a0481cb51a8e" || !s.Duplex || s.Instance != "HP LaserJet MFP M426fdn (1B2C3D)" ||
		!slices.Equal(s.InputSources, []string{"platen", "adf"}) || !slices.Equal(s.ColorSpaces, []string{"color", "grayscale", "binary"}) || s.Version != "2.63" {
		t.Errorf("HP: %+v (%s)", s, s.BaseURL())
	}
	if info := s.Info(); info.Address != "escl:http://192.168.1.20:8080/eSCL" || info.Name != "HP LaserJet MFP M426fdn" || info.Backend != "escl" {
		t.Errorf("info %+v", info)
	}

	c, ok := escl.ServiceFromEntry(entryCanonV6, false)
	if !ok {
		t.Fatal("Canon entry refused")
	}
	if c.BaseURL() != "http://[fe80::1e2:3ff:fe4:5%25eth0]:80/eSCL" || c.Duplex || c.Instance != "Canon MF640C Series" ||
		c.UUID != "6d4ff0ce-6b11-11d8-8020-f48139a1fc1a" || c.Info().Name != "Canon MF640C Series" {
		t.Errorf("Canon: %+v (%s)", c, c.BaseURL())
	}
	if _, err := escl.New(c.BaseURL(), escl.Options{}); err != nil {
		t.Errorf("link-local URL does not open: %v", err)
	}

	if _, ok := escl.ServiceFromEntry(entryNoAddr, false); ok {
		t.Error("an entry without address was accepted")
	}
	r, _ := escl.ServiceFromEntry(entryRoot, false)
	if r.BaseURL() != "http://10.0.0.9:80/" {
		t.Errorf("empty rs: %s", r.BaseURL())
	}
	sec, _ := escl.ServiceFromEntry(entryHPSecure, true)
	if sec.BaseURL() != "https://192.168.1.20:443/eSCL" {
		t.Errorf("secure: %s", sec.BaseURL())
	}
}

func TestParseTXTHostile(t *testing.T) {
	s := escl.ParseTXT([]string{"", "=", "rs", "ty=a=b", "is=,,ADF,", "duplex=maybe", "\x00\xff=1"})
	if s.Resource != "" || s.Model != "a=b" || !slices.Equal(s.InputSources, []string{"adf"}) || s.Duplex {
		t.Errorf("%+v", s)
	}
	if d := escl.ParseTXT(nil); d.Resource != "eSCL" {
		t.Errorf("default rs %q", d.Resource)
	}
}

func TestMergeServicesPrefersHTTP(t *testing.T) {
	a, _ := escl.ServiceFromEntry(entryHPSecure, true)
	b, _ := escl.ServiceFromEntry(entryHP, false)
	c, _ := escl.ServiceFromEntry(entryCanonV6, false)
	got := escl.MergeServices([]escl.ServiceInfo{a, c, b})
	if len(got) != 2 {
		t.Fatalf("%d services: %+v", len(got), got)
	}
	for _, s := range got {
		if s.Secure {
			t.Errorf("https kept over http: %+v", s)
		}
	}
}
