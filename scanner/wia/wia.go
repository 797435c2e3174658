// The WIA 2.0 device for Windows scanners.

package wia

import (
	"bytes"
	"fmt"
	"image"
	_ "image/jpeg" // WIA drivers may hand JPEG even when PNG is asked
	_ "image/png"

	_ "golang.org/x/image/bmp" // WIA's default transfer format
	_ "golang.org/x/image/tiff"

	"sohoa/errs"
	"sohoa/scanner"
)

// ErrUnsupported is returned off Windows, where WIA does not exist.
var ErrUnsupported = errs.New("error.scan.wia_unsupported", errs.Permanent, "wia: Windows Image Acquisition exists only on Windows; use SANE, eSCL, the hot folder or file import")

// WIA HRESULTs (wiadef.h) that the officer can act on.
const (
	hrGeneral      = 0x80210001
	hrPaperJam     = 0x80210002
	hrPaperEmpty   = 0x80210003
	hrPaperProblem = 0x80210004
	hrOffline      = 0x80210005
	hrBusy         = 0x80210006
	hrWarmingUp    = 0x80210007
	hrIntervention = 0x80210008
	hrDeleted      = 0x80210009
	hrComm         = 0x8021000A
	hrLocked       = 0x8021000D
	hrNoDevice     = 0x80210015
	hrCoverOpen    = 0x80210016
	hrLampOff      = 0x80210017
	hrNotSupported = 0x80070032 // HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED)
	hrInvalidArg   = 0x80070057 // E_INVALIDARG: a property value the driver refuses
)

// Classify turns a WIA HRESULT into the scanner package's typed errors (wrapped, with the code),
// so the UI can say what to do; unknown codes are returned as plain errors.
func Classify(hr uint32) error {
	var kind error
	switch hr {
	case hrPaperJam, hrPaperProblem:
		kind = scanner.ErrJammed
	case hrPaperEmpty:
		kind = scanner.ErrFeederEmpty
	case hrCoverOpen:
		kind = scanner.ErrCoverOpen
	case hrBusy, hrWarmingUp, hrLocked, hrLampOff, hrIntervention:
		kind = scanner.ErrBusy
	case hrOffline, hrDeleted, hrComm, hrNoDevice:
		kind = scanner.ErrGone
	case hrNotSupported, hrInvalidArg:
		kind = scanner.ErrUnsupported
	default:
		return fmt.Errorf("wia: the scanner reported error 0x%08X; restart the scanner and try again", hr)
	}
	return fmt.Errorf("%w (WIA 0x%08X)", kind, hr)
}

// WIA property IDs (wiadef.h) and values used by Scan.
const (
	propDocumentHandlingSelect = 3088 // device: FEEDER 1, FLATBED 2, DUPLEX 4
	propPages                  = 3096 // device: pages to scan from the feeder, 0 = all
	propCurrentIntent          = 6146 // item: COLOR 1, GRAYSCALE 2, TEXT 4
	propHorizontalResolution   = 6147
	propVerticalResolution     = 6148
	propDataType               = 4103 // item: BW 0, GRAYSCALE 2, COLOR 3

	handlingFeeder  = 1
	handlingFlatbed = 2
	handlingDuplex  = 4

	// FormatPNG is WIA's PNG transfer format GUID (wiaFormatPNG).
	FormatPNG = "{B96B3CAF-0728-11D3-9D7B-0000F81EF32E}"
)

// Prop is one WIA property to set before a transfer.
type Prop struct {
	ID     int
	Value  int
	Device bool // a device property (else an item property)
}

// Props returns the WIA properties for scanner settings (zero values: colour, 200 dpi, feeder).
func Props(s scanner.Settings) ([]Prop, error) {
	dpi := s.DPI
	if dpi == 0 {
		dpi = 200
	}
	if dpi < 50 || dpi > 1200 {
		return nil, fmt.Errorf("%w: %d dpi", scanner.ErrUnsupported, dpi)
	}
	var handling int
	switch s.Source {
	case scanner.SourceFeeder, "":
		handling = handlingFeeder
	case scanner.SourceDuplex:
		handling = handlingFeeder | handlingDuplex
	case scanner.SourcePlaten:
		handling = handlingFlatbed
	default:
		return nil, fmt.Errorf("%w: source %q", scanner.ErrUnsupported, s.Source)
	}
	intent, dataType := 1, 3
	switch s.Mode {
	case scanner.ModeColor, "":
	case scanner.ModeGray:
		intent, dataType = 2, 2
	case scanner.ModeBW:
		intent, dataType = 4, 0
	default:
		return nil, fmt.Errorf("%w: mode %q", scanner.ErrUnsupported, s.Mode)
	}
	ps := []Prop{
		{ID: propDocumentHandlingSelect, Value: handling, Device: true},
		{ID: propCurrentIntent, Value: intent},
		{ID: propDataType, Value: dataType},
		{ID: propHorizontalResolution, Value: dpi},
		{ID: propVerticalResolution, Value: dpi},
	}
	if handling != handlingFlatbed {
		ps = append(ps, Prop{ID: propPages, Value: s.MaxPages, Device: true})
	}
	return ps, nil
}

// maxPageBytes bounds one transferred page (an A4 page at 600 dpi colour BMP is about 100 MB).
const maxPageBytes = 256 << 20

// DecodePage decodes one transferred page (PNG, BMP, JPEG or TIFF), refusing empty, oversized or
// corrupt data and images too large to hold.
func DecodePage(data []byte) (image.Image, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("wia: the scanner sent an empty page; scan again")
	}
	if len(data) > maxPageBytes {
		return nil, fmt.Errorf("wia: the scanner sent a page of %d MB; lower the resolution", len(data)>>20)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("wia: the scanner sent a page that cannot be read (%v); scan again", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > 200_000_000 {
		return nil, fmt.Errorf("wia: the scanner sent a page of %d×%d pixels; lower the resolution", cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("wia: the scanner sent a page that cannot be read (%v); scan again", err)
	}
	return img, nil
}
