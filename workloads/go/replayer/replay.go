package main

// The replay loop: executes the events in trace order on the main goroutine.

import (
	"runtime"
	"unsafe"
)

// table holds the only reference to every live traced object, indexed by
// dense id. It is a heap object reachable from a global, so the GC scans it:
// 8 bytes of pointerful heap per id (README.md, "Not faithful").
var table []unsafe.Pointer

// sink is the target of `write` events: a small permanent pointerful object
// whose slots are overwritten with nil. Each store is a compiled heap pointer
// store, so it runs the write barrier fast path (during mark: both old and new
// value are appended to the P's write-barrier buffer), without changing any
// traced object's reachability or scan work. The shading work of the traced
// program's stores is done by the table stores (alloc: new pointer; free: old
// pointer), see README.md.
var sink *[64]unsafe.Pointer

type counts struct {
	AllocBytes   uint64 `json:"alloc_bytes_requested"`
	PtrAllocs    uint64 `json:"allocs_pointerful"`
	NoscanAllocs uint64 `json:"allocs_noscan"`
	TinyAllocs   uint64 `json:"allocs_noscan_below_16B"`
	Frees        uint64 `json:"frees"`
	WorkNs       uint64 `json:"work_ns_requested"`
	Writes       uint64 `json:"pointer_writes"`
	Globals      uint64 `json:"globals_bytes_last"`
	GlobalsEvs   uint64 `json:"globals_events_ignored"`
	LiveObjects  uint64 `json:"live_objects_end"`
	PeakLive     uint64 `json:"peak_live_objects"`
	Dispatched   uint64 `json:"events_dispatched"` // after fusion
}

// replay executes every event of src. With decodeOnly it only decodes.
func replay(src *source, decodeOnly bool, c *counts, gs *goroutines) {
	var wk uint64
	var live, peak, done uint64
	lastG := ^uint64(0) // goroutine of the previous event, known to be running
	for {
		evs := src.next()
		if len(evs) == 0 {
			break
		}
		if decodeOnly {
			done += uint64(len(evs))
			continue
		}
		for i := range evs {
			e := &evs[i]
			switch e.tag {
			case tagAllocPtr, tagAlloc:
				id, size := e.a, e.s
				if id >= uint64(len(table)) {
					growTable(id)
				}
				if table[id] != nil || size == 0 {
					allocError(src.t, id, size)
				}
				if g := uint64(e.g); g != lastG {
					gs.ensure(g)
					lastG = g
				}
				if e.tag == tagAllocPtr {
					table[id] = allocPtr(size)
					c.PtrAllocs++
				} else {
					table[id] = allocNoscan(size)
					c.NoscanAllocs++
					if size < 16 {
						c.TinyAllocs++
					}
				}
				c.AllocBytes += size
				live++
				if live > peak {
					peak = live
				}
				if e.wr != 0 { // fused writes
					c.Writes += uint64(e.wr)
					for k := e.wr; k != 0; k-- {
						sink[wk&63] = nil
						wk++
					}
				}
				if e.fr != 0 { // fused free
					f := uint64(e.fr - 1)
					if f >= uint64(len(table)) || table[f] == nil {
						freeError(src.t, f)
					}
					table[f] = nil
					live--
					c.Frees++
				}
			case tagFree:
				if e.a >= uint64(len(table)) || table[e.a] == nil {
					freeError(src.t, e.a)
				}
				table[e.a] = nil
				live--
				c.Frees++
			case tagWork:
				if e.a != lastG {
					gs.ensure(e.a)
					lastG = e.a
				}
				c.WorkNs += e.s
				spin(e.s)
			case tagWrite:
				if e.a != lastG {
					gs.ensure(e.a)
					lastG = e.a
				}
				c.Writes += e.s
				for k := e.s; k != 0; k-- {
					sink[wk&63] = nil
					wk++
				}
			case tagGo:
				gs.start(e.a, e.s)
				lastG = e.a
			case tagExit:
				gs.exit(e.a)
				lastG = ^uint64(0)
			case tagStack:
				gs.stack(e.a, e.s)
				lastG = e.a
			case tagGC:
				runtime.GC()
				lastG = ^uint64(0)
			case tagMemStats:
				snapshots = append(snapshots, readSnapshot(e.a))
			case tagGlobals:
				c.Globals = e.a // cannot be replayed: the binary's data+bss is fixed
				c.GlobalsEvs++
			}
		}
		done += uint64(len(evs))
	}
	c.LiveObjects = live
	c.PeakLive = peak
	c.Dispatched = done
}

func allocError(t *traceReader, id, size uint64) {
	if size == 0 {
		fail("%s: alloc: size_bytes must be in [1, 1099511627776], got 0 (object %d)", t.path, id)
	}
	fail("%s: alloc: object %d is already live (allocated and not freed)", t.path, id)
}

func freeError(t *traceReader, id uint64) {
	fail("%s: free: object %d is not live (never allocated, or already freed)", t.path, id)
}

func growTable(id uint64) {
	if id >= 1<<32-1 {
		fail("object id %d is out of range; must be in [0, 4294967294]", id)
	}
	n := uint64(len(table)) * 2
	if n < 1024 {
		n = 1024
	}
	for n <= id {
		n *= 2
	}
	nt := make([]unsafe.Pointer, n)
	copy(nt, table)
	table = nt
}

// memSnapshot is one `memstats` event: runtime.ReadMemStats at that point of the trace, with the
// field names of gcsim's memstats.jsonl (models/stats/memstats.hpp).
type memSnapshot struct {
	Goroutine    uint64      `json:"goroutine"`
	HeapAlloc    uint64      `json:"heap_alloc"`
	TotalAlloc   uint64      `json:"total_alloc"`
	Sys          uint64      `json:"sys"`
	Mallocs      uint64      `json:"mallocs"`
	Frees        uint64      `json:"frees"`
	HeapSys      uint64      `json:"heap_sys"`
	HeapIdle     uint64      `json:"heap_idle"`
	HeapInuse    uint64      `json:"heap_inuse"`
	HeapReleased uint64      `json:"heap_released"`
	HeapObjects  uint64      `json:"heap_objects"`
	StackInuse   uint64      `json:"stack_inuse"`
	NextGC       uint64      `json:"next_gc"`
	LastGC       uint64      `json:"last_gc_unix_ns"`
	PauseTotalNs uint64      `json:"pause_total_ns"`
	PauseNs      [256]uint64 `json:"pause_ns"`
	NumGC        uint32      `json:"num_gc"`
	NumForcedGC  uint32      `json:"num_forced_gc"`
	GCCPUFrac    float64     `json:"gc_cpu_fraction"`
}

// snapshots collects the `memstats` events (a few per trace: appending is not on the hot path).
var snapshots []memSnapshot

func readSnapshot(g uint64) memSnapshot {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return memSnapshot{Goroutine: g, HeapAlloc: m.HeapAlloc, TotalAlloc: m.TotalAlloc, Sys: m.Sys,
		Mallocs: m.Mallocs, Frees: m.Frees, HeapSys: m.HeapSys, HeapIdle: m.HeapIdle, HeapInuse: m.HeapInuse,
		HeapReleased: m.HeapReleased, HeapObjects: m.HeapObjects, StackInuse: m.StackInuse, NextGC: m.NextGC,
		LastGC: m.LastGC, PauseTotalNs: m.PauseTotalNs, PauseNs: m.PauseNs, NumGC: m.NumGC,
		NumForcedGC: m.NumForcedGC, GCCPUFrac: m.GCCPUFraction}
}
