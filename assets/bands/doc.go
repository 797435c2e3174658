// Package bands holds the colour bands (green, yellow, orange, red) of the desk's rates as
// data: bands.json, embedded here, gives the defaults; a unit overrides any rate with its own file.
//
// The green thresholds of online submission (50 %), digitization (80 %), reuse (80 %), online
// payment (80 %) and satisfaction (90 %) are the full-score thresholds of the national service
// index (Decision 766/QĐ-TTg). The yellow and orange thresholds, and every threshold of on_time
// and vneid, are sohoa's own defaults, documented as such in bands.json. All thresholds are
// percentages (0–100) and every rate is "higher is better":
//
//	value ≥ green → green; value ≥ yellow → yellow; value ≥ orange → orange; otherwise red.
package bands
