//go:build windows

// The Windows side: WIA's automation objects (WIA.DeviceManager, Device, Item) over COM through
// go-ole. Every COM call runs on one locked OS thread with COM initialised for the call's
// duration. Not run in CI: compiled for GOOS=windows only; see the README for what was verified.

package wia

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"

	ole "github.com/go-ole/go-ole"
	"github.com/go-ole/go-ole/oleutil"

	"sohoa/scanner"
)

func init() {
	scanner.Register(scanner.Backend{
		Scheme: "wia",
		Open:   func(rest string) (scanner.Device, error) { return Open(rest) },
		List:   list,
	})
}

// withCOM runs f on a locked OS thread with COM initialised (apartment-threaded, as WIA wants).
func withCOM(f func() error) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := ole.CoInitializeEx(0, ole.COINIT_APARTMENTTHREADED); err != nil {
		var oe *ole.OleError
		// S_FALSE (already initialised on this thread) is fine.
		if !errors.As(err, &oe) || oe.Code() != 1 {
			return fmt.Errorf("wia: starting COM: %w", err)
		}
	}
	defer ole.CoUninitialize()
	return f()
}

// classify maps a COM error to the scanner's typed errors.
func classify(what string, err error) error {
	var oe *ole.OleError
	if errors.As(err, &oe) {
		hr := uint32(oe.Code())
		if ex, ok := oe.SubError().(ole.EXCEPINFO); ok && ex.SCODE() != 0 {
			hr = ex.SCODE()
		}
		return fmt.Errorf("wia: %s: %w", what, Classify(hr))
	}
	return fmt.Errorf("wia: %s: %w", what, err)
}

func manager() (*ole.IDispatch, error) {
	unk, err := oleutil.CreateObject("WIA.DeviceManager")
	if err != nil {
		var oe *ole.OleError
		if errors.As(err, &oe) {
			err = fmt.Errorf("COM error 0x%08X", uint32(oe.Code())) // go-ole's text is FormatMessage's failure for WIA codes
		}
		return nil, fmt.Errorf("wia: the WIA service is not available (is the \"Windows Image Acquisition\" service running?): %w", err)
	}
	defer unk.Release()
	return unk.QueryInterface(ole.IID_IDispatch)
}

func prop(d *ole.IDispatch, name string, args ...interface{}) (*ole.VARIANT, error) {
	return oleutil.GetProperty(d, name, args...)
}

// propValue reads Properties("<id or name>").Value of a WIA object.
func propValue(obj *ole.IDispatch, key string) (*ole.VARIANT, error) {
	pv, err := prop(obj, "Properties")
	if err != nil {
		return nil, err
	}
	props := pv.ToIDispatch()
	defer props.Release()
	iv, err := prop(props, "Item", key)
	if err != nil {
		return nil, err
	}
	it := iv.ToIDispatch()
	defer it.Release()
	return prop(it, "Value")
}

func setProp(obj *ole.IDispatch, id, value int) error {
	pv, err := prop(obj, "Properties")
	if err != nil {
		return err
	}
	props := pv.ToIDispatch()
	defer props.Release()
	iv, err := prop(props, "Item", strconv.Itoa(id))
	if err != nil {
		return err
	}
	it := iv.ToIDispatch()
	defer it.Release()
	_, err = oleutil.PutProperty(it, "Value", int32(value))
	return err
}

// list returns the WIA scanners (device type 1).
func list(ctx context.Context) ([]scanner.Info, error) {
	var out []scanner.Info
	err := withCOM(func() error {
		mgr, err := manager()
		if err != nil {
			return err
		}
		defer mgr.Release()
		iv, err := prop(mgr, "DeviceInfos")
		if err != nil {
			return classify("listing devices", err)
		}
		infos := iv.ToIDispatch()
		defer infos.Release()
		cv, err := prop(infos, "Count")
		if err != nil {
			return classify("listing devices", err)
		}
		for i := 1; i <= int(cv.Val); i++ {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			v, err := prop(infos, "Item", i)
			if err != nil {
				continue
			}
			info := v.ToIDispatch()
			typ, _ := prop(info, "Type")
			id, _ := prop(info, "DeviceID")
			name, _ := propValue(info, "Name")
			if typ != nil && typ.Val == 1 && id != nil {
				n := id.ToString()
				if name != nil {
					n = name.ToString()
				}
				out = append(out, scanner.Info{Address: "wia:" + id.ToString(), Name: n, Backend: "wia"})
			}
			info.Release()
		}
		return nil
	})
	return out, err
}

// Device is a WIA scanner.
type Device struct{ id, name string }

// Open returns the WIA device with that device ID; it is connected at each scan.
func Open(deviceID string) (scanner.Device, error) {
	if deviceID == "" {
		return nil, fmt.Errorf("wia: no device ID in the address (want wia:<device ID> from the scanner list)")
	}
	return &Device{id: deviceID, name: deviceID}, nil
}

// Address returns "wia:<device ID>".
func (d *Device) Address() string { return "wia:" + d.id }

// Name returns the device ID (WIA names come from List).
func (d *Device) Name() string { return d.name }

// Close does nothing: each scan connects and releases the device.
func (d *Device) Close() error { return nil }

// Capabilities asks the driver: document handling (feeder, duplex, flatbed), bed and feeder sizes
// from the device, valid resolutions and data types from its scan item (see CapabilitiesFrom).
func (d *Device) Capabilities(ctx context.Context) (scanner.Capabilities, error) {
	var a Answers
	err := withCOM(func() error {
		mgr, err := manager()
		if err != nil {
			return err
		}
		defer mgr.Release()
		dev, err := d.connect(mgr)
		if err != nil {
			return err
		}
		defer dev.Release()
		a.Handling = intProp(dev, propDocumentHandlingCapabilities)
		a.BedWidth, a.BedHeight = intProp(dev, propHorizontalBedSize), intProp(dev, propVerticalBedSize)
		a.FeedWidth, a.FeedHeight = intProp(dev, propHorizontalSheetFeedSize), intProp(dev, propVerticalSheetFeedSize)
		iv, err := prop(dev, "Items")
		if err != nil {
			return classify("opening the scan item", err)
		}
		items := iv.ToIDispatch()
		defer items.Release()
		it, err := prop(items, "Item", 1)
		if err != nil {
			return classify("opening the scan item", err)
		}
		item := it.ToIDispatch()
		defer item.Release()
		a.Resolution = validValues(item, propHorizontalResolution)
		a.DataTypes = validValues(item, propDataType).List
		return nil
	})
	if err != nil {
		return scanner.Capabilities{}, err
	}
	return CapabilitiesFrom(a), nil
}

// property returns Properties("<id>") of a WIA object, nil when the driver lacks it.
func property(obj *ole.IDispatch, id int) *ole.IDispatch {
	pv, err := prop(obj, "Properties")
	if err != nil {
		return nil
	}
	props := pv.ToIDispatch()
	defer props.Release()
	iv, err := prop(props, "Item", strconv.Itoa(id))
	if err != nil {
		return nil
	}
	return iv.ToIDispatch()
}

// intProp reads a property's integer value; 0 when the driver lacks it.
func intProp(obj *ole.IDispatch, id int) int {
	p := property(obj, id)
	if p == nil {
		return 0
	}
	defer p.Release()
	v, err := prop(p, "Value")
	if err != nil {
		return 0
	}
	n, _ := v.Value().(int32)
	return int(n)
}

// validValues reads a property's SubType: a range (1) with SubTypeMin/Max/Step, or a list (2) in
// SubTypeValues.
func validValues(obj *ole.IDispatch, id int) Valid {
	var out Valid
	p := property(obj, id)
	if p == nil {
		return out
	}
	defer p.Release()
	st, err := prop(p, "SubType")
	if err != nil {
		return out
	}
	num := func(name string) int {
		v, err := prop(p, name)
		if err != nil {
			return 0
		}
		n, _ := v.Value().(int32)
		return int(n)
	}
	switch st.Val {
	case 1:
		out.Min, out.Max, out.Step = num("SubTypeMin"), num("SubTypeMax"), num("SubTypeStep")
	case 2:
		vv, err := prop(p, "SubTypeValues")
		if err != nil {
			return out
		}
		vec := vv.ToIDispatch()
		defer vec.Release()
		cv, err := prop(vec, "Count")
		if err != nil {
			return out
		}
		for i := 1; i <= int(cv.Val); i++ {
			if v, err := prop(vec, "Item", i); err == nil {
				if n, ok := v.Value().(int32); ok {
					out.List = append(out.List, int(n))
				}
			}
		}
	}
	return out
}

// connect finds the device by ID and connects to it.
func (d *Device) connect(mgr *ole.IDispatch) (*ole.IDispatch, error) {
	iv, err := prop(mgr, "DeviceInfos")
	if err != nil {
		return nil, classify("connecting", err)
	}
	infos := iv.ToIDispatch()
	defer infos.Release()
	cv, err := prop(infos, "Count")
	if err != nil {
		return nil, classify("connecting", err)
	}
	for i := 1; i <= int(cv.Val); i++ {
		v, err := prop(infos, "Item", i)
		if err != nil {
			continue
		}
		info := v.ToIDispatch()
		id, _ := prop(info, "DeviceID")
		if id != nil && id.ToString() == d.id {
			dv, err := oleutil.CallMethod(info, "Connect")
			info.Release()
			if err != nil {
				return nil, classify("connecting", err)
			}
			return dv.ToIDispatch(), nil
		}
		info.Release()
	}
	return nil, fmt.Errorf("wia: %w: %s", scanner.ErrGone, d.id)
}

// Scan transfers pages one by one until the feeder is empty, MaxPages were read or ctx ends.
func (d *Device) Scan(ctx context.Context, s scanner.Settings, h scanner.Handler) error {
	props, err := Props(s)
	if err != nil {
		return err
	}
	return withCOM(func() error {
		mgr, err := manager()
		if err != nil {
			return err
		}
		defer mgr.Release()
		dev, err := d.connect(mgr)
		if err != nil {
			return err
		}
		defer dev.Release()
		iv, err := prop(dev, "Items")
		if err != nil {
			return classify("opening the scan item", err)
		}
		items := iv.ToIDispatch()
		defer items.Release()
		it, err := prop(items, "Item", 1)
		if err != nil {
			return classify("opening the scan item", err)
		}
		item := it.ToIDispatch()
		defer item.Release()
		for _, p := range props {
			target := item
			if p.Device {
				target = dev
			}
			if err := setProp(target, p.ID, p.Value); err != nil {
				return classify(fmt.Sprintf("setting property %d to %d", p.ID, p.Value), err)
			}
		}
		dpi := s.DPI
		if dpi == 0 {
			dpi = 200
		}
		for n := 0; s.MaxPages == 0 || n < s.MaxPages; n++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			if h.OnProgress != nil {
				h.OnProgress(scanner.Progress{Page: n})
			}
			fv, err := oleutil.CallMethod(item, "Transfer", FormatPNG)
			if err != nil {
				err = classify("scanning", err)
				if errors.Is(err, scanner.ErrFeederEmpty) && n > 0 {
					return nil // the feeder ran out after the last page
				}
				return err
			}
			img := fv.ToIDispatch()
			data, err := imageBytes(img)
			img.Release()
			if err != nil {
				return err
			}
			pic, err := DecodePage(data)
			if err != nil {
				return err
			}
			if err := h.OnPage(scanner.Page{Image: pic, DPI: dpi, Index: n, Back: s.Source == scanner.SourceDuplex && n%2 == 1}); err != nil {
				return err
			}
			if s.Source == scanner.SourcePlaten {
				return nil
			}
		}
		return nil
	})
}

// imageBytes reads ImageFile.FileData.BinaryData.
func imageBytes(img *ole.IDispatch) ([]byte, error) {
	fd, err := prop(img, "FileData")
	if err != nil {
		return nil, classify("reading the page", err)
	}
	vec := fd.ToIDispatch()
	defer vec.Release()
	bd, err := prop(vec, "BinaryData")
	if err != nil {
		return nil, classify("reading the page", err)
	}
	arr := bd.ToArray()
	if arr == nil {
		return nil, fmt.Errorf("wia: the scanner sent no image data; scan again")
	}
	defer arr.Release()
	return arr.ToByteArray(), nil
}
