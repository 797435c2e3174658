// Package certstore signs with certificates registered in the Windows certificate store (the
// current user's "Personal" store, where most Vietnamese token drivers put the token's
// certificate), through CNG/NCrypt via github.com/google/certtostore. Off Windows, List and Open
// return ErrUnsupported; the selection rules in this file are shared and tested everywhere.
package certstore
