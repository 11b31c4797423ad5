package main

// Command replayer executes a gcsim binary trace (.gctb, see
// workloads/TRACE_FORMAT.md) on the real Go runtime, so that the runtime's
// measured GC behaviour can be compared with gcsim's simulation of the same
// trace.
//
// Usage:
//
//	replayer [-trace FILE.gctb] [-metrics OUT.json] [-layout first|all]
//	         [-preload=true|false] [-preload-max-mb N] [-mode replay|decode]
//
// The trace (default: standard input) is decoded (by default completely, into
// memory outside the Go heap, before the timed loop) and executed in its total
// order on the main goroutine; see README.md for what is and is not faithful.
// At the end one JSON object with timing, runtime.MemStats and runtime/metrics
// figures is written to -metrics (default: standard output). Run it with
// GODEBUG=gctrace=1 to get the runtime's per-cycle trace on stderr.

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"sync/atomic"
	"time"
	"unsafe"
)

func fail(format string, a ...interface{}) {
	fmt.Fprintf(os.Stderr, "replayer: "+format+"\n", a...)
	os.Exit(2)
}

// ---------------------------------------------------------------------------
// Output.

type pauseSummary struct {
	Count uint64  `json:"count"`
	P50S  float64 `json:"p50_s"`
	P99S  float64 `json:"p99_s"`
	MaxS  float64 `json:"max_s"`
	Note  string  `json:"note"`
}

type result struct {
	GoVersion   string `json:"go_version"`
	GOMAXPROCS  int    `json:"gomaxprocs"`
	GOGC        string `json:"gogc_env"`
	GOMEMLIMIT  string `json:"gomemlimit_env"`
	Trace       string `json:"trace"`
	Mode        string `json:"mode"`
	Layout      string `json:"layout"`
	ObjectBound uint32 `json:"header_object_id_bound"`

	WallNs          int64   `json:"wall_ns"`    // the replay loop
	SetupNs         int64   `json:"setup_ns"`   // calibration, table allocation
	PreloadNs       int64   `json:"preload_ns"` // decoding into memory before the loop
	Preloaded       bool    `json:"preloaded"`
	PreloadComplete bool    `json:"preload_complete"`
	PreloadEvents   uint64  `json:"preloaded_events"`
	PreloadBytes    uint64  `json:"preload_mapped_bytes"`
	ReadOffHeap     bool    `json:"read_buffer_off_heap"`
	SpinItersPerUs  float64 `json:"spin_iters_per_us"`
	FrameBytes      uintptr `json:"stack_frame_bytes"`

	EventsTotal uint64            `json:"events"` // records in the trace
	Events      map[string]uint64 `json:"events_by_kind"`
	counts
	TableLen          int    `json:"table_len"`
	TableBytes        uint64 `json:"table_bytes"`
	GoroutinesStarted uint64 `json:"goroutines_started"`
	GoroutinesMaxLive uint64 `json:"goroutines_max_live"`

	NumGC          uint32   `json:"NumGC"`
	NumGCBefore    uint32   `json:"num_gc_before_loop"`
	PauseNs        []uint64 `json:"PauseNs"`
	PauseTruncated bool     `json:"pause_ns_truncated"`
	PauseTotalNs   uint64   `json:"PauseTotalNs"`
	TotalAlloc     uint64   `json:"TotalAlloc"`
	Mallocs        uint64   `json:"Mallocs"`
	Frees          uint64   `json:"Frees"`
	HeapAlloc      uint64   `json:"HeapAlloc"`
	HeapSys        uint64   `json:"HeapSys"`
	HeapInuse      uint64   `json:"HeapInuse"`
	StackInuse     uint64   `json:"StackInuse"`
	Sys            uint64   `json:"Sys"`
	NextGC         uint64   `json:"NextGC"`
	GCCPUFraction  float64  `json:"GCCPUFraction"`
	LoopTotalAlloc uint64   `json:"loop_total_alloc"`
	LoopNumGC      uint32   `json:"loop_num_gc"`
	LoopPauseNs    uint64   `json:"loop_pause_total_ns"`

	HeapGoalBytes uint64        `json:"heap_goal_bytes"`
	MemStats      []memSnapshot `json:"memstats"` // one per `memstats` event, in trace order
	GCPauses      pauseSummary  `json:"gc_pauses"`
}

func histQuantile(h *metrics.Float64Histogram, q float64) float64 {
	var total uint64
	for _, c := range h.Counts {
		total += c
	}
	if total == 0 {
		return 0
	}
	want := uint64(math.Ceil(q * float64(total)))
	if want == 0 {
		want = 1
	}
	var cum uint64
	for i, c := range h.Counts {
		cum += c
		if cum >= want {
			lo, hi := h.Buckets[i], h.Buckets[i+1]
			if math.IsInf(hi, 1) {
				return lo
			}
			if math.IsInf(lo, -1) {
				return hi
			}
			return (lo + hi) / 2
		}
	}
	return 0
}

func histMax(h *metrics.Float64Histogram) float64 {
	for i := len(h.Counts) - 1; i >= 0; i-- {
		if h.Counts[i] > 0 {
			if math.IsInf(h.Buckets[i+1], 1) {
				return h.Buckets[i]
			}
			return h.Buckets[i+1]
		}
	}
	return 0
}

// gcphase is the runtime's GC phase (_GCoff = 0: no mark in progress).
//
//go:linkname gcphase runtime.gcphase
var gcphase uint32

// waitGCIdle returns when no GC mark phase is in progress.
func waitGCIdle() {
	for atomic.LoadUint32(&gcphase) != 0 {
		time.Sleep(50 * time.Microsecond)
	}
}

func main() {
	if one := uint16(1); *(*byte)(unsafe.Pointer(&one)) != 1 {
		fail("this replayer's varint decoder needs a little-endian machine")
	}
	tracePath := flag.String("trace", "-", "binary trace (.gctb) to replay; - = standard input")
	metricsPath := flag.String("metrics", "", "write the result JSON here instead of standard output")
	layoutFlag := flag.String("layout", "first", "pointerful object layout: first (one leading pointer word, rest scalar) or all (every word a pointer)")
	doPreload := flag.Bool("preload", true, "decode the trace into memory outside the Go heap before the timed loop (else decode while replaying)")
	preloadMaxMB := flag.Uint64("preload-max-mb", 4096, "at most this many MiB of decoded events are preloaded; the rest is decoded while replaying")
	mode := flag.String("mode", "replay", "replay, or decode (read and decode only, streaming, to measure the reading cost)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the replay loop to this file (for tuning the replayer)")
	flag.Parse()
	if flag.NArg() != 0 {
		fail("unexpected argument %q", flag.Arg(0))
	}
	switch *layoutFlag {
	case "first":
		layout = layoutFirst
	case "all":
		layout = layoutAll
	default:
		fail("-layout must be first or all, got %q", *layoutFlag)
	}
	if *mode != "replay" && *mode != "decode" {
		fail("-mode must be replay or decode, got %q", *mode)
	}

	setupStart := nanotime()
	tr := openTrace(*tracePath)
	var c counts
	gs := &goroutines{large: map[uint64]*gor{}}
	if *mode == "replay" {
		calibrateSpin()
		calibrateFrames()
		sink = new([64]unsafe.Pointer)
		if tr.bound > 0 {
			table = make([]unsafe.Pointer, tr.bound)
		}
	}
	preloadStart := nanotime()
	var src *source
	if *mode == "replay" && *doPreload {
		src = preload(tr, *preloadMaxMB<<20)
	} else {
		src = streaming(tr)
	}

	// A GC that the setup started (the object table alone can reach the initial 4 MiB heap
	// goal) is finished before the loop, so every cycle counted in loop_num_gc was triggered
	// by the trace's own allocations.
	waitGCIdle()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	if *cpuProfile != "" {
		pf, err := os.Create(*cpuProfile)
		if err != nil {
			fail("%v", err)
		}
		if err := pprof.StartCPUProfile(pf); err != nil {
			fail("%v", err)
		}
	}
	start := nanotime()
	replay(src, *mode == "decode", &c, gs)
	wall := nanotime() - start
	if *cpuProfile != "" {
		pprof.StopCPUProfile()
	}

	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	samples := []metrics.Sample{{Name: "/gc/heap/goal:bytes"}, {Name: "/gc/pauses:seconds"}}
	metrics.Read(samples)
	runtime.KeepAlive(table)
	runtime.KeepAlive(sink)

	cnt := int(ms.NumGC)
	if cnt > 256 {
		cnt = 256
	}
	pauses := make([]uint64, 0, cnt)
	for k := int(ms.NumGC) - cnt + 1; k <= int(ms.NumGC); k++ {
		pauses = append(pauses, ms.PauseNs[(k+255)%256])
	}

	res := result{
		GoVersion:         runtime.Version(),
		GOMAXPROCS:        runtime.GOMAXPROCS(0),
		GOGC:              os.Getenv("GOGC"),
		GOMEMLIMIT:        os.Getenv("GOMEMLIMIT"),
		Trace:             *tracePath,
		Mode:              *mode,
		Layout:            *layoutFlag,
		ObjectBound:       tr.bound,
		WallNs:            wall,
		SetupNs:           preloadStart - setupStart,
		PreloadNs:         start - preloadStart,
		Preloaded:         len(src.segs) > 0,
		PreloadComplete:   src.complete,
		PreloadEvents:     src.preloadedEvents,
		PreloadBytes:      src.preloadedBytes,
		ReadOffHeap:       tr.offHeap,
		SpinItersPerUs:    itersPerUs,
		FrameBytes:        frameSize,
		EventsTotal:       tr.records,
		Events:            map[string]uint64{},
		counts:            c,
		TableLen:          len(table),
		TableBytes:        uint64(len(table)) * 8,
		GoroutinesStarted: gs.started,
		GoroutinesMaxLive: gs.maxLive,
		NumGC:             ms.NumGC,
		NumGCBefore:       before.NumGC,
		PauseNs:           pauses,
		PauseTruncated:    ms.NumGC > 256,
		PauseTotalNs:      ms.PauseTotalNs,
		TotalAlloc:        ms.TotalAlloc,
		Mallocs:           ms.Mallocs,
		Frees:             ms.Frees,
		HeapAlloc:         ms.HeapAlloc,
		HeapSys:           ms.HeapSys,
		HeapInuse:         ms.HeapInuse,
		StackInuse:        ms.StackInuse,
		Sys:               ms.Sys,
		NextGC:            ms.NextGC,
		GCCPUFraction:     ms.GCCPUFraction,
		LoopTotalAlloc:    ms.TotalAlloc - before.TotalAlloc,
		LoopNumGC:         ms.NumGC - before.NumGC,
		LoopPauseNs:       ms.PauseTotalNs - before.PauseTotalNs,
	}
	for i, n := range tr.kinds {
		if kindNames[i] != "" {
			res.Events[kindNames[i]] = n
		}
	}
	res.MemStats = snapshots
	if samples[0].Value.Kind() == metrics.KindUint64 {
		res.HeapGoalBytes = samples[0].Value.Uint64()
	}
	if samples[1].Value.Kind() == metrics.KindFloat64Histogram {
		hist := samples[1].Value.Float64Histogram()
		for _, n := range hist.Counts {
			res.GCPauses.Count += n
		}
		res.GCPauses.P50S = histQuantile(hist, 0.5)
		res.GCPauses.P99S = histQuantile(hist, 0.99)
		res.GCPauses.MaxS = histMax(hist)
		res.GCPauses.Note = "runtime/metrics /gc/pauses:seconds: one entry per stop-the-world pause (2 per cycle); p50/p99 = bucket midpoint, max = upper bound of the highest non-empty bucket"
	}

	out, err := json.Marshal(res)
	if err != nil {
		fail("%v", err)
	}
	out = append(out, '\n')
	if *metricsPath != "" {
		if err := os.WriteFile(*metricsPath, out, 0o644); err != nil {
			fail("%v", err)
		}
	} else {
		os.Stdout.Write(out)
	}
}
