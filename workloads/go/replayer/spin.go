package main

// Mutator work: `work` events busy-wait on the main goroutine.

import (
	"math"
	_ "unsafe" // for go:linkname
)

//go:linkname nanotime runtime.nanotime
func nanotime() int64

var spinSink uint64
var itersPerUs float64 // busy-loop iterations per microsecond

//go:noinline
func spinIters(n uint64) {
	x := spinSink | 1
	for i := uint64(0); i < n; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	spinSink = x
}

func calibrateSpin() {
	const n = 1 << 20
	spinIters(n) // warm up
	best := int64(math.MaxInt64)
	for k := 0; k < 7; k++ {
		t0 := nanotime()
		spinIters(n)
		if d := nanotime() - t0; d > 0 && d < best {
			best = d
		}
	}
	itersPerUs = float64(n) * 1000 / float64(best)
}

// spin busy-waits ns nanoseconds: short waits by iteration count, long ones
// against the monotonic clock (so preemption or frequency changes do not
// stretch them).
func spin(ns uint64) {
	if ns <= 4000 {
		spinIters(uint64(float64(ns)*itersPerUs/1000 + 0.5))
		return
	}
	end := nanotime() + int64(ns)
	chunk := uint64(itersPerUs) + 1 // ~1 µs
	for nanotime() < end {
		spinIters(chunk)
	}
}
