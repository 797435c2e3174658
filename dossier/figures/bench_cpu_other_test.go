//go:build !unix

// CPU time of the benchmark process: not measured outside Unix.

package figures

import "time"

// cpuTime is 0 where the process's CPU time is not read.
func cpuTime() time.Duration { return 0 }
