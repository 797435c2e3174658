// The translation keys of the store's and the workflow's sentinel errors, which the screens do not import.

package wire

import (
	"sohoa/desk"
	"sohoa/dossier"
	"sohoa/storage"
)

// ErrorKeys are the sentinels of dossier and storage with the keys of their sentences, most specific first.
func ErrorKeys() []desk.ErrorKey {
	return []desk.ErrorKey{
		{Err: dossier.ErrUnknownProcedure, Key: "error.unknown_procedure"},
		{Err: dossier.ErrUnknownComponent, Key: "error.unknown_component"},
		{Err: dossier.ErrNotFollowed, Key: "error.not_followed"},
		{Err: dossier.ErrNoPostAddress, Key: "error.no_post_address"},
		{Err: dossier.ErrDeliveryFixed, Key: "error.delivery_fixed"},
		{Err: dossier.ErrNothingCaptured, Key: "error.nothing_captured"},
		{Err: dossier.ErrNotConfirmed, Key: "error.not_confirmed"},
		{Err: dossier.ErrLocked, Key: "error.locked"},
		{Err: dossier.ErrIllegalMove, Key: "error.illegal_move"},
		{Err: storage.ErrDiskFull, Key: "error.disk_full"},
		{Err: storage.ErrBlobCorrupt, Key: "error.blob_corrupt"},
		{Err: storage.ErrNotFound, Key: "error.not_found"},
		{Err: storage.ErrBlobMissing, Key: "error.blob_missing"},
	}
}
