#!/usr/bin/env bash
# Authenticode-signs a Windows executable in place with osslsigncode and verifies the signature.
# Usage: packaging/sign.sh FILE.exe NAME
#   SIGN_PKCS12=cert.p12 SIGN_PASS=...   a PKCS#12 file, or
#   SIGN_CERT=cert.pem SIGN_KEY=key.pem  a PEM certificate (chain) and key
#   SIGN_TIMESTAMP=http://...            optional RFC 3161 timestamp server
#   SIGN_CAFILE=ca.pem                   optional: verify against this CA (a test certificate's own)
# Without a certificate it does nothing and says so.
set -euo pipefail
exe=${1:?usage: sign.sh FILE.exe NAME}
name=${2:-Sohoa}
if [ -n "${SIGN_PKCS12:-}" ]; then
	creds=(-pkcs12 "$SIGN_PKCS12" -pass "${SIGN_PASS:-}")
elif [ -n "${SIGN_CERT:-}" ]; then
	creds=(-certs "$SIGN_CERT" -key "${SIGN_KEY:?SIGN_KEY: the certificate\'s private key}")
else
	echo "sign.sh: no code-signing certificate configured (SIGN_PKCS12 or SIGN_CERT): $exe is not signed" >&2
	exit 0
fi
command -v osslsigncode >/dev/null || { echo "sign.sh: osslsigncode not found: apt-get install osslsigncode" >&2; exit 1; }
osslsigncode sign "${creds[@]}" -n "$name" -h sha256 ${SIGN_TIMESTAMP:+-ts "$SIGN_TIMESTAMP"} \
	-in "$exe" -out "$exe.signed"
mv "$exe.signed" "$exe"
if [ -n "${SIGN_CAFILE:-}" ]; then
	osslsigncode verify -CAfile "$SIGN_CAFILE" -in "$exe" >/dev/null
else
	osslsigncode verify -in "$exe" >/dev/null || true # a private CA is unknown to the system store
fi
echo "sign.sh: signed $exe"
