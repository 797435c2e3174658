// Description: a JSON-friendly summary of an eSCL device for the CLI's --json output and diagnostics.

package escl

import (
	"context"
	"math"
	"strings"

	"sohoa/scanner"
)

// Description summarizes a device and its sources.
type Description struct {
	Address        string              `json:"address"`
	Name           string              `json:"name"`
	MakeAndModel   string              `json:"make_and_model"`
	SerialNumber   string              `json:"serial_number,omitempty"`
	UUID           string              `json:"uuid,omitempty"`
	Version        string              `json:"escl_version,omitempty"`
	AdminURI       string              `json:"admin_uri,omitempty"`
	Duplex         bool                `json:"duplex"`
	FeederCapacity int                 `json:"feeder_capacity,omitempty"`
	Sources        []SourceDescription `json:"sources"`
}

// SourceDescription describes one paper source.
type SourceDescription struct {
	Source          scanner.Source `json:"source"`
	MaxWidthMM      float64        `json:"max_width_mm"`
	MaxHeightMM     float64        `json:"max_height_mm"`
	Resolutions     []int          `json:"resolutions"`
	ResolutionRange *Range         `json:"resolution_range,omitempty"`
	ColorModes      []string       `json:"color_modes"`
	DocumentFormats []string       `json:"document_formats"`
}

// Describe reads the capabilities and returns the description.
func (d *Device) Describe(ctx context.Context) (Description, error) {
	c, err := d.ScannerCapabilities(ctx)
	if err != nil {
		return Description{}, err
	}
	desc := c.Describe()
	desc.Address = d.Address()
	desc.Name = d.Name()
	return desc, nil
}

// Describe summarizes the capabilities (Address and Name are left to the caller).
func (c *ScannerCapabilities) Describe() Description {
	desc := Description{
		MakeAndModel:   strings.TrimSpace(c.MakeAndModel),
		SerialNumber:   strings.TrimSpace(c.SerialNumber),
		UUID:           strings.TrimSpace(c.UUID),
		Version:        strings.TrimSpace(c.Version),
		AdminURI:       strings.TrimSpace(c.AdminURI),
		Duplex:         c.Duplex(),
		FeederCapacity: c.FeederCapacity,
	}
	for _, s := range c.Sources() {
		in := c.Input(s)
		sd := SourceDescription{
			Source:          s,
			MaxWidthMM:      math.Round(units300ToMM(in.MaxWidth)*10) / 10,
			MaxHeightMM:     math.Round(units300ToMM(in.MaxHeight)*10) / 10,
			Resolutions:     in.Resolutions(),
			ColorModes:      in.ColorModes(),
			DocumentFormats: in.DocumentFormats(),
		}
		for _, p := range in.Profiles {
			if p.Range != nil {
				r := p.Range.X
				sd.ResolutionRange = &r
				break
			}
		}
		desc.Sources = append(desc.Sources, sd)
	}
	return desc
}
