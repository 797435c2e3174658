// Package pkcs11 signs with USB tokens and HSMs through their PKCS#11 module (miekg/pkcs11).
package pkcs11
