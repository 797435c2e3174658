// Package winesmoke is the Windows smoke test: it runs the cross-built sohoa.exe under Wine 10 in
// the Debian 13 root that packaging/wine-root.sh makes, and checks what it does from the Linux side
// (pdfsig, qpdf, the portal's files, a screenshot of the window). It has no code of its own; its
// tests skip unless SOHOA_WINE_ROOT and SOHOA_EXE are set, which `make wine-smoke` does.
// It imports only signing/pkcs12 (for the training CA); nothing imports it.
package winesmoke
