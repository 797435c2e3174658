// Creating dossiers and reading them back as views for the GUI and the CLI.

package dossier

import (
	"context"
	"errors"
	"fmt"

	"sohoa/dossier/applicant"
	"sohoa/errs"
	"sohoa/storage"
)

// ErrUnknownProcedure means the procedure code is not in the catalog.
var ErrUnknownProcedure = errs.New("error.unknown_procedure", errs.NeedsOfficer, "dossier: procedure not in the catalog")

// ErrUnknownComponent means the component code is not part of the dossier's procedure.
var ErrUnknownComponent = errs.New("error.unknown_component", errs.NeedsOfficer, "dossier: component not part of this procedure")

// Channel values of KenhThucHien.
const (
	ChannelInPerson = 1
	ChannelOnline   = 2
	ChannelPostal   = 3
)

// NewDossier opens a dossier for a procedure and an applicant, giving it the next dossier code.
func (d *dossierSvc) NewDossier(ctx context.Context, procedureCode string, a applicant.Applicant) (View, error) {
	p, ok := d.cat.Get(procedureCode)
	if !ok {
		return View{}, fmt.Errorf("%w: %q; pick a procedure from the list", ErrUnknownProcedure, procedureCode)
	}
	if err := a.Validate(); err != nil {
		return View{}, err
	}
	unit, err := d.Unit(ctx)
	if err != nil {
		return View{}, err
	}
	now := d.now()
	desk, desks, err := d.Desks(ctx)
	if err != nil {
		return View{}, err
	}
	channel := ChannelInPerson
	if unit.CounterType == "postal" {
		channel = ChannelPostal
	}
	rec := Record{Applicant: a, ProcedureName: p.Name, FieldName: p.Field, ProcessDays: p.Days, Fees: p.Fees, OfficerRole: RoleOf(unit.CounterType)}
	// The number, the dossier with its components and the audit row: one step, so a crash leaves either
	// a whole dossier or none (a number lost to a crash is never reused).
	var code string
	err = d.db.Update(ctx, "create dossier", func(tx *storage.Tx) error {
		var err error
		if code, err = d.nextCode(tx, unit.Code, desk, desks, now); err != nil {
			return err
		}
		row := storage.Dossier{
			ID: code, UnitCode: unit.Code, ProcedureCode: p.Code, Officer: d.cfg.Officer,
			State: string(Draft), Channel: channel, Training: d.cfg.Training,
			ApplicantName: a.Name, ApplicantID: a.ID,
			CreatedAt: now, UpdatedAt: now, ReceivedAt: now,
			AppointmentAt: d.cal.Appointment(now, p.Days, p.SameDayCutoff),
		}
		if err := encodeRecord(&row, rec); err != nil {
			return err
		}
		var comps []storage.Component
		for i, c := range p.Scanned() {
			comps = append(comps, storage.Component{DossierID: code, Code: c.Code, Name: c.Name, Position: i, Required: c.Required})
		}
		if err := tx.Dossiers().Create(row, comps...); err != nil {
			return err
		}
		return tx.Audit(d.actor(), "dossier.created", code, map[string]any{"procedure": p.Code, "applicant_id": a.ID})
	})
	if err != nil {
		return View{}, err
	}
	return d.Dossier(ctx, code)
}

// Dossier reads one dossier with its components, pages, files and outbox entry.
func (d *core) Dossier(ctx context.Context, id string) (v View, err error) {
	err = d.db.View(ctx, func(tx *storage.Tx) error { v, err = d.viewTx(tx, id); return err })
	return v, err
}

// viewTx reads one dossier's view inside tx: a step reads what it checks and writes in one transaction.
func (d *core) viewTx(tx *storage.Tx, id string) (View, error) {
	row, err := tx.Dossiers().Get(id)
	if err != nil {
		return View{}, err
	}
	rec, err := decodeRecord(row)
	if err != nil {
		return View{}, err
	}
	v := View{
		ID: row.ID, State: State(row.State), UnitCode: row.UnitCode, ProcedureCode: row.ProcedureCode,
		Record: rec, Officer: row.Officer, Training: row.Training, Channel: row.Channel,
		CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt, ReceivedAt: row.ReceivedAt, AppointmentAt: row.AppointmentAt,
		PortalCode: row.PortalCode, PortalStatus: row.PortalStatus, LastError: row.LastError,
	}
	v.Procedure, _ = d.cat.Get(row.ProcedureCode)
	comps, err := tx.Components().List(id)
	if err != nil {
		return View{}, err
	}
	files, err := tx.Files().List(id)
	if err != nil {
		return View{}, err
	}
	for _, c := range comps {
		pages, err := tx.Pages().List(id, c.Code)
		if err != nil {
			return View{}, err
		}
		cv := ComponentView{Code: c.Code, Name: c.Name, Required: c.Required, Confirmed: c.Confirmed, Pages: pages}
		for _, f := range files {
			if f.ComponentCode == c.Code {
				cv.Files = append(cv.Files, f)
			}
		}
		v.Components = append(v.Components, cv)
	}
	if it, err := tx.Outbox().Get(id); err == nil {
		v.Outbox = &it
	} else if !errors.Is(err, storage.ErrNotFound) {
		return View{}, err
	}
	return v, nil
}

// List returns dossiers, newest first.
func (d *dossierSvc) List(ctx context.Context, f storage.DossierFilter) ([]Summary, error) {
	var rows []storage.Dossier
	err := d.db.View(ctx, func(tx *storage.Tx) error {
		var err error
		rows, err = tx.Dossiers().List(f)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := make([]Summary, 0, len(rows))
	for _, r := range rows {
		out = append(out, Summary{ID: r.ID, State: State(r.State), ProcedureCode: r.ProcedureCode,
			ApplicantName: r.ApplicantName, ApplicantID: r.ApplicantID, CreatedAt: r.CreatedAt,
			PortalCode: r.PortalCode, LastError: r.LastError, Training: r.Training})
	}
	return out, nil
}

// move changes a dossier's state after checking the transition, with its audit row, in one transaction.
func (d *core) move(ctx context.Context, id string, from, to State, detail any) error {
	if err := checkMove(id, from, to); err != nil {
		return err
	}
	return d.db.Update(ctx, "move "+string(to), func(tx *storage.Tx) error { return d.moveTx(tx, id, from, to, detail) })
}

func (d *core) component(v View, code string) (ComponentView, error) {
	c, ok := v.Component(code)
	if !ok {
		codes := make([]string, 0, len(v.Components))
		for _, c := range v.Components {
			codes = append(codes, c.Code)
		}
		return c, fmt.Errorf("%w: %q is not a component of %s (components: %v)", ErrUnknownComponent, code, v.ProcedureCode, codes)
	}
	return c, nil
}

// Confirm records the officer's check that a component's pages match the original paper.
func (d *dossierSvc) Confirm(ctx context.Context, id, comp string, ok bool) error {
	return d.db.Update(ctx, "confirm component", func(tx *storage.Tx) error {
		v, err := d.viewTx(tx, id)
		if err != nil {
			return err
		}
		c, err := d.component(v, comp)
		if err != nil {
			return err
		}
		if ok && len(c.Pages) == 0 && len(c.Files) == 0 {
			return fmt.Errorf("%w: component %s has no pages yet; scan or import it first", ErrNothingCaptured, comp)
		}
		comps, err := tx.Components().List(id)
		if err != nil {
			return err
		}
		for _, sc := range comps {
			if sc.Code == comp {
				sc.Confirmed = ok
				if err := tx.Components().Save(sc); err != nil {
					return err
				}
			}
		}
		return tx.Audit(d.actor(), "component.confirmed", id, map[string]any{"component": comp, "matches_original": ok})
	})
}

// ErrNothingCaptured means a step needs pages that are not there yet.
var ErrNothingCaptured = errs.New("error.nothing_captured", errs.NeedsOfficer, "dossier: nothing captured")
