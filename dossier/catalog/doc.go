// Package catalog holds the administrative-procedure (TTHC) catalog as data:
// codes, names, processing times, fees and dossier components, loaded from the
// embedded assets/catalog/procedures.json or from a unit's own JSON file.
package catalog
