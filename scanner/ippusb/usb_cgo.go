// The USB side through gousb/libusb: find IPP-over-USB interfaces, claim them, and read/write their bulk endpoints.

//go:build cgo && !windows

package ippusb

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/gousb"

	"sohoa/scanner"
	"sohoa/scanner/escl"
)

// newContext starts libusb; gousb panics when libusb_init fails (no usbfs, sandbox).
func newContext() (ctx *gousb.Context, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: libusb could not start (%v): check that USB devices are visible to this program", ErrNoUSB, r)
		}
	}()
	return gousb.NewContext(), nil
}

// ifaceAddr is one IPP-over-USB interface alternate setting and its bulk endpoints.
type ifaceAddr struct{ num, alt, in, out int }

// ippInterfaces returns the configuration to use and its IPP-over-USB interfaces (one
// alternate setting per interface number), as ipp-usb selects them.
func ippInterfaces(desc *gousb.DeviceDesc) (cfgNum int, found []ifaceAddr) {
	cfgs := make([]int, 0, len(desc.Configs))
	for n := range desc.Configs {
		cfgs = append(cfgs, n)
	}
	slices.Sort(cfgs)
	for _, n := range cfgs {
		var list []ifaceAddr
		for _, intf := range desc.Configs[n].Interfaces {
			for _, alt := range intf.AltSettings {
				if !IsIPPOverUSB(int(alt.Class), int(alt.SubClass), int(alt.Protocol)) {
					continue
				}
				in, out := -1, -1
				for _, ep := range alt.Endpoints {
					if ep.TransferType != gousb.TransferTypeBulk {
						continue
					}
					if ep.Direction == gousb.EndpointDirectionIn && in < 0 {
						in = ep.Number
					} else if ep.Direction == gousb.EndpointDirectionOut && out < 0 {
						out = ep.Number
					}
				}
				if in >= 0 && out >= 0 {
					list = append(list, ifaceAddr{num: alt.Number, alt: alt.Alternate, in: in, out: out})
					break // one alternate setting per interface
				}
			}
		}
		if len(list) > 0 {
			return n, list
		}
	}
	return 0, nil
}

// usbError classifies a gousb error: an unplugged device is scanner.ErrGone.
func usbError(err error) error {
	if errors.Is(err, gousb.ErrorNoDevice) || errors.Is(err, gousb.TransferNoDevice) || errors.Is(err, gousb.ErrorIO) {
		return fmt.Errorf("ippusb: the USB scanner was unplugged or switched off: %w: %w", scanner.ErrGone, err)
	}
	if errors.Is(err, gousb.ErrorAccess) {
		return fmt.Errorf("%w: %w", ErrNoAccess, err)
	}
	return err
}

// usbPipe is a claimed interface. Reads go through a 16 KiB buffer so each bulk transfer
// asks for a multiple of the packet size (libusb reports an overflow otherwise).
type usbPipe struct {
	intf    *gousb.Interface
	in      *gousb.InEndpoint
	out     *gousb.OutEndpoint
	buf     []byte
	pending []byte
}

func (p *usbPipe) ReadContext(ctx context.Context, b []byte) (int, error) {
	if len(p.pending) == 0 {
		n, err := p.in.ReadContext(ctx, p.buf)
		p.pending = p.buf[:n]
		if n == 0 && err != nil {
			return 0, usbError(err)
		}
	}
	n := copy(b, p.pending)
	p.pending = p.pending[n:]
	return n, nil
}

func (p *usbPipe) WriteContext(ctx context.Context, b []byte) (int, error) {
	n, err := p.out.WriteContext(ctx, b)
	if err != nil {
		return n, usbError(err)
	}
	return n, nil
}

func (p *usbPipe) Close() error {
	p.intf.Close()
	return nil
}

// usbHandle owns everything opened for one device, closed in reverse order.
type usbHandle struct {
	tr  *Transport
	cfg *gousb.Config
	dev *gousb.Device
	ctx *gousb.Context
}

func (h *usbHandle) Close() error {
	var errs []error
	if h.tr != nil {
		errs = append(errs, h.tr.Close())
	}
	if h.cfg != nil {
		errs = append(errs, h.cfg.Close())
	}
	if h.dev != nil {
		errs = append(errs, h.dev.Close())
	}
	errs = append(errs, h.ctx.Close())
	return errors.Join(errs...)
}

func openDevice(bus, addr int) (scanner.Device, error) {
	ctx, err := newContext()
	if err != nil {
		return nil, err
	}
	h := &usbHandle{ctx: ctx}
	devs, err := ctx.OpenDevices(func(d *gousb.DeviceDesc) bool { return d.Bus == bus && d.Address == addr })
	for _, d := range devs[min(1, len(devs)):] {
		_ = d.Close()
	}
	if len(devs) == 0 {
		_ = h.Close()
		if err != nil {
			return nil, fmt.Errorf("%w at %s (check the udev rules for this scanner): %w", ErrNoAccess, Address(bus, addr), usbError(err))
		}
		return nil, fmt.Errorf("ippusb: %w: no USB device at %s: it was unplugged or plugged in again (its address changed): list the scanners again", scanner.ErrGone, Address(bus, addr))
	}
	h.dev = devs[0]
	cfgNum, ifaces := ippInterfaces(h.dev.Desc)
	if len(ifaces) == 0 {
		_ = h.Close()
		return nil, fmt.Errorf("ippusb: %w: the USB device at %s does not offer IPP-over-USB (class 7/1/4): it cannot scan driverless over USB", scanner.ErrUnsupported, Address(bus, addr))
	}
	if err := h.dev.SetAutoDetach(true); err != nil {
		_ = h.Close()
		return nil, fmt.Errorf("ippusb: %s: detach the kernel driver: %w", Address(bus, addr), usbError(err))
	}
	h.cfg, err = h.dev.Config(cfgNum)
	if err != nil {
		_ = h.Close()
		return nil, fmt.Errorf("ippusb: %s: the device is in use by another program (e.g. the ipp-usb service) or cannot be configured: %w", Address(bus, addr), err)
	}
	var pipes []BulkPipe
	var claimErr error
	for _, ia := range ifaces {
		p, err := claim(h.cfg, ia)
		if err != nil {
			claimErr = err
			continue
		}
		pipes = append(pipes, p)
	}
	if len(pipes) == 0 {
		_ = h.Close()
		return nil, fmt.Errorf("ippusb: %s: no IPP-over-USB interface could be claimed (is the ipp-usb service using the scanner?): %w", Address(bus, addr), claimErr)
	}
	h.tr = NewTransport(pipes...)
	name := productName(h.dev)
	d, err := escl.New("http://localhost/eSCL", escl.Options{Transport: h.tr, Address: Address(bus, addr), Name: name, Closer: h})
	if err != nil {
		_ = h.Close()
		return nil, err
	}
	return d, nil
}

func claim(cfg *gousb.Config, ia ifaceAddr) (BulkPipe, error) {
	intf, err := cfg.Interface(ia.num, ia.alt)
	if err != nil {
		return nil, err
	}
	in, err := intf.InEndpoint(ia.in)
	if err == nil {
		var out *gousb.OutEndpoint
		out, err = intf.OutEndpoint(ia.out)
		if err == nil {
			return &usbPipe{intf: intf, in: in, out: out, buf: make([]byte, ioBuf)}, nil
		}
	}
	intf.Close()
	return nil, err
}

func productName(d *gousb.Device) string {
	mfg, _ := d.Manufacturer()
	prod, _ := d.Product()
	mfg, prod = strings.TrimSpace(mfg), strings.TrimSpace(prod)
	switch {
	case prod == "":
		return fmt.Sprintf("USB scanner %s:%s", d.Desc.Vendor, d.Desc.Product)
	case mfg == "" || strings.HasPrefix(strings.ToLower(prod), strings.ToLower(mfg)):
		return prod
	}
	return mfg + " " + prod
}

func listDevices(ctx context.Context) ([]scanner.Info, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	uctx, err := newContext()
	if err != nil {
		return nil, err
	}
	defer uctx.Close()
	var infos []scanner.Info
	devs, err := uctx.OpenDevices(func(d *gousb.DeviceDesc) bool {
		if _, ifaces := ippInterfaces(d); len(ifaces) == 0 {
			return false
		}
		infos = append(infos, scanner.Info{
			Address: Address(d.Bus, d.Address),
			Name:    fmt.Sprintf("USB scanner %s:%s (no permission to open it: check the udev rules)", d.Vendor, d.Product),
			Backend: Scheme,
		})
		return true
	})
	for _, d := range devs {
		for i := range infos {
			if infos[i].Address == Address(d.Desc.Bus, d.Desc.Address) {
				infos[i].Name = productName(d)
			}
		}
		_ = d.Close()
	}
	if err != nil && len(infos) == 0 {
		return nil, fmt.Errorf("ippusb: listing USB devices: %w", usbError(err))
	}
	return infos, nil
}
