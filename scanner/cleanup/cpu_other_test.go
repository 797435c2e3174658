//go:build windows

// CPU time is not measured on Windows: the benchmarks report wall-clock figures only.

package cleanup

import "time"

// cpuTime returns 0 where getrusage is not available.
func cpuTime() time.Duration { return 0 }
