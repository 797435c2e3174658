// Package softhsmtest creates throwaway SoftHSM2 tokens holding a key and a certificate issued by a
// test CA, for the tests that sign through the real PKCS#11 path (pkcs11, the CLI, the GUI).
package softhsmtest
