// The receipt ("Giấy tiếp nhận hồ sơ và hẹn trả kết quả") of a dossier, from its stored state.

package dossier

import (
	"context"

	"sohoa/dossier/receipt"
)

// IssuingSystem names this software on receipts and in their QR code.
const IssuingSystem = "sohoa — Bộ phận tiếp nhận và trả kết quả"

// Receipt renders the dossier's receipt PDF.
func (d *followSvc) Receipt(ctx context.Context, id string) ([]byte, error) {
	v, err := d.Dossier(ctx, id)
	if err != nil {
		return nil, err
	}
	unit, err := d.Unit(ctx)
	if err != nil {
		return nil, err
	}
	a := v.Record.Applicant
	data := receipt.Data{
		AgencyName: unit.Name, UnitName: unit.Name, Province: unit.Province, Place: unit.Province,
		DossierCode: v.ID, ProcedureCode: v.ProcedureCode, ProcedureName: v.Record.ProcedureName,
		ApplicantName: a.Name, ApplicantID: a.ID, Address: a.Address, Phone: a.Phone, Email: a.Email,
		Sets: 1, ProcessingDays: v.Record.ProcessDays, ReceivedAt: v.ReceivedAt.In(Location), AppointmentAt: v.AppointmentAt.In(Location),
		ResultPlace: unit.Name, ByPost: v.Record.ByPost, Officer: v.Record.Signer, IssuingSystem: IssuingSystem,
		PortalCode: v.PortalCode, Training: v.Training,
	}
	if data.Officer == "" {
		data.Officer = v.Officer
	}
	for _, c := range v.Components {
		pages := len(c.Pages)
		for _, f := range c.Files {
			if f.Role == RoleImported {
				pages += f.Pages
			}
		}
		data.Components = append(data.Components, receipt.Item{Name: c.Name, Originals: 1, Pages: pages})
	}
	data.Fee = FeeTotal(v)
	if v.Record.ByPost && v.Record.PostAddress != "" {
		data.ResultPlace = v.Record.PostAddress
	}
	if p, ok, err := d.Payment(ctx, id); err != nil {
		return nil, err
	} else if ok {
		data.PaymentNote = PaymentNote(p)
	}
	for _, h := range unit.Hotlines {
		data.Hotlines = append(data.Hotlines, receipt.Hotline{Label: h.Label, Phone: h.Phone, Email: h.Email})
	}
	pdf, err := receipt.Render(data)
	if err != nil {
		return nil, err
	}
	return pdf, d.audit(ctx, "receipt.printed", id, map[string]any{"portal_code": v.PortalCode})
}
