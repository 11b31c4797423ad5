package main

// Goroutines: every trace goroutine is a real goroutine, parked at a
// recursion depth that gives it the traced stack size. The main goroutine
// executes all events; these goroutines only hold stacks.

import "unsafe"

const frameBytes = 1024

type gor struct {
	cmd chan int64 // >= 0: new stack bytes; < 0: exit
	ack chan struct{}
}

var frameSize uintptr // measured stack bytes per descend frame
var baseStack uintptr // measured stack in use of a goroutine parked at depth 0

//go:noinline
func touch(p *[frameBytes]byte, v int) { p[v&(frameBytes-1)]++ }

// descend recurses k frames of ~frameBytes, then parks (acknowledging the
// new depth) until the next command, which it returns up the chain.
// With w == nil it is a probe that measures the frame size.
//
//go:noinline
func (w *gor) descend(k int, parent *[frameBytes]byte, probe *[2]uintptr) int64 {
	var pad [frameBytes]byte
	touch(&pad, k)
	if probe != nil && parent != nil && k == 0 {
		probe[0] = uintptr(unsafe.Pointer(parent)) - uintptr(unsafe.Pointer(&pad))
	}
	if k > 0 {
		r := w.descend(k-1, &pad, probe)
		touch(&pad, k)
		return r
	}
	if w == nil {
		return 0
	}
	w.ack <- struct{}{}
	return <-w.cmd
}

func (w *gor) run(stackBytes int64) {
	for stackBytes >= 0 {
		stackBytes = w.descend(depthFor(stackBytes), nil, nil)
	}
	w.ack <- struct{}{}
}

func depthFor(stackBytes int64) int {
	if stackBytes <= int64(baseStack) || frameSize == 0 {
		return 0
	}
	return int((uintptr(stackBytes) - baseStack + frameSize/2) / frameSize)
}

func calibrateFrames() {
	var probe [2]uintptr
	done := make(chan struct{})
	go func() {
		var w *gor
		w.descend(3, nil, &probe)
		close(done)
	}()
	<-done
	frameSize = probe[0]
	// A goroutine parked at depth 0: run + descend + chansend/chanrecv + gopark.
	baseStack = frameSize + 512
}

type goroutines struct {
	small   []*gor // by trace id, for ids < 65536
	large   map[uint64]*gor
	started uint64
	live    uint64
	maxLive uint64
}

func (gs *goroutines) get(g uint64) *gor {
	if g < uint64(len(gs.small)) {
		return gs.small[g]
	}
	return gs.large[g]
}

func (gs *goroutines) set(g uint64, w *gor) {
	if g < 65536 {
		for uint64(len(gs.small)) <= g {
			gs.small = append(gs.small, nil)
		}
		gs.small[g] = w
		return
	}
	if w == nil {
		delete(gs.large, g)
	} else {
		gs.large[g] = w
	}
}

// ensure starts trace goroutine g (parked, default stack) if it is not running.
func (gs *goroutines) ensure(g uint64) {
	if g < uint64(len(gs.small)) && gs.small[g] != nil {
		return
	}
	if gs.get(g) == nil {
		gs.start(g, 0)
	}
}

func (gs *goroutines) start(g uint64, stackBytes uint64) {
	if w := gs.get(g); w != nil { // repeated go: only the stack size changes
		if stackBytes > 0 {
			gs.stack(g, stackBytes)
		}
		return
	}
	w := &gor{cmd: make(chan int64), ack: make(chan struct{})}
	gs.set(g, w)
	go w.run(int64(stackBytes))
	<-w.ack
	gs.started++
	gs.live++
	if gs.live > gs.maxLive {
		gs.maxLive = gs.live
	}
}

func (gs *goroutines) stack(g uint64, bytes uint64) {
	w := gs.get(g)
	if w == nil {
		gs.start(g, bytes)
		return
	}
	w.cmd <- int64(bytes)
	<-w.ack
}

func (gs *goroutines) exit(g uint64) {
	w := gs.get(g)
	if w == nil {
		return
	}
	w.cmd <- -1
	<-w.ack
	gs.set(g, nil)
	gs.live--
}
