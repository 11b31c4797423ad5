// Command ringcal is the gcsim calibration workload ("ring" workload).
//
// It keeps two 4 MiB slot arrays live (one pointerful, one pointer-free) and
// allocates -n 128-byte pointerful objects, storing object i into
// ptrs[i % slots]. With the defaults (n = 16,777,216, slots = 524,288) it
// allocates 2 GiB in total while 64 MiB of objects stay live at any time.
// The loop does no other work. At the end one JSON line with timing and
// runtime.MemStats figures is printed to stdout.
//
// Intended to be run with GOMAXPROCS=2 GOGC=100 GODEBUG=gctrace=1.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"
	"unsafe"
)

// obj is 128 bytes: one pointer word followed by 15 scalar words.
type obj struct {
	next *obj
	pad  [15]uint64
}

type result struct {
	GoVersion      string   `json:"go_version"`
	GOMAXPROCS     int      `json:"gomaxprocs"`
	GOGC           string   `json:"gogc_env"`
	N              int      `json:"n"`
	Slots          int      `json:"slots"`
	ObjSize        uintptr  `json:"obj_size"`
	WallNs         int64    `json:"wall_ns"`
	NsPerAlloc     float64  `json:"ns_per_alloc"`
	NumGC          uint32   `json:"num_gc"`
	NumGCBefore    uint32   `json:"num_gc_before_loop"`
	PauseTotalNs   uint64   `json:"pause_total_ns"`
	PauseNs        []uint64 `json:"pause_ns"` // per cycle, all cycles 1..NumGC (oldest first, last 256 at most)
	TotalAlloc     uint64   `json:"total_alloc"`
	HeapAlloc      uint64   `json:"heap_alloc"`
	Sys            uint64   `json:"sys"`
	HeapSys        uint64   `json:"heap_sys"`
	HeapInuse      uint64   `json:"heap_inuse"`
	NextGC         uint64   `json:"next_gc"`
	GCCPUFraction  float64  `json:"gc_cpu_fraction"`
	LoopTotalAlloc uint64   `json:"loop_total_alloc"`
	LoopNumGC      uint32   `json:"loop_num_gc"`
	LoopPauseNs    uint64   `json:"loop_pause_total_ns"`
}

func main() {
	n := flag.Int("n", 16777216, "number of objects to allocate")
	slots := flag.Int("slots", 524288, "number of live slots (pointer array length)")
	flag.Parse()
	if *slots <= 0 || *n < 0 {
		fmt.Fprintln(os.Stderr, "bad flags")
		os.Exit(2)
	}

	ptrs := make([]*obj, *slots)   // pointerful, 4 MiB by default
	ints := make([]uint64, *slots) // pointer-free, 4 MiB by default

	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	s := *slots
	nn := *n
	start := time.Now()
	j := 0
	for i := 0; i < nn; i++ {
		ptrs[j] = new(obj)
		j++
		if j == s {
			j = 0
		}
	}
	wall := time.Since(start)

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	runtime.KeepAlive(ptrs)
	runtime.KeepAlive(ints)

	// Per-cycle pauses: PauseNs is a circular buffer indexed by (NumGC+255)%256.
	cnt := int(ms.NumGC)
	if cnt > 256 {
		cnt = 256
	}
	pauses := make([]uint64, 0, cnt)
	for k := int(ms.NumGC) - cnt + 1; k <= int(ms.NumGC); k++ {
		pauses = append(pauses, ms.PauseNs[(k+255)%256])
	}

	r := result{
		GoVersion:      runtime.Version(),
		GOMAXPROCS:     runtime.GOMAXPROCS(0),
		GOGC:           os.Getenv("GOGC"),
		N:              nn,
		Slots:          s,
		ObjSize:        unsafe.Sizeof(obj{}),
		WallNs:         wall.Nanoseconds(),
		NumGC:          ms.NumGC,
		NumGCBefore:    before.NumGC,
		PauseTotalNs:   ms.PauseTotalNs,
		PauseNs:        pauses,
		TotalAlloc:     ms.TotalAlloc,
		HeapAlloc:      ms.HeapAlloc,
		Sys:            ms.Sys,
		HeapSys:        ms.HeapSys,
		HeapInuse:      ms.HeapInuse,
		NextGC:         ms.NextGC,
		GCCPUFraction:  ms.GCCPUFraction,
		LoopTotalAlloc: ms.TotalAlloc - before.TotalAlloc,
		LoopNumGC:      ms.NumGC - before.NumGC,
		LoopPauseNs:    ms.PauseTotalNs - before.PauseTotalNs,
	}
	if nn > 0 {
		r.NsPerAlloc = float64(wall.Nanoseconds()) / float64(nn)
	}
	b, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	os.Stdout.Write(append(b, '\n'))
}
