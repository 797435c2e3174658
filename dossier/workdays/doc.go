// Package workdays computes appointment dates in working days for Vietnamese
// one-stop counters: weekends, the public holidays of the Labour Code 2019
// (Art. 112) with lunar dates computed by github.com/6tail/lunar-go, substitute
// days, and per-year government decisions loaded from assets/holidays/<year>.json.
//
// Rules, in order, for a date of year Y:
//  1. Computed holidays: 1/1; Tết = the last day of the lunar year + the first 4 days
//     of the new one; Hùng Kings' day (10/3 lunar); 30/4; 1/5; 2/9 and one adjacent day
//     (1/9 by default — the government picks 1/9 or 3/9 each year; a table's
//     "september_adjacent" or Calendar.SetSeptemberAdjacent changes it).
//  2. Substitute days (Labour Code Art. 111(3)): a holiday on a Saturday or Sunday gives
//     the next day that is neither a weekend day nor a holiday nor already a substitute.
//  3. The year's table, if any: "off" dates are added; "work" dates are working days
//     whatever rules 1–2 say (swapped Saturdays, and computed days the decision moved).
//  4. Otherwise Monday–Friday are working days, Saturday and Sunday are not.
//
// lunar-go computes the Chinese calendar (UTC+8); the Vietnamese calendar uses UTC+7
// and can differ by a day in rare years (e.g. 2007): the per-year table is the fix.
// All dates are in Asia/Ho_Chi_Minh (a fixed UTC+07:00 zone when tzdata is missing;
// Viet Nam has had no daylight saving time since 1975).
package workdays
