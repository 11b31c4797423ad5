package main

// Reading and decoding a gcsim binary trace (workloads/TRACE_FORMAT.md §4).
//
// The file is read with read(2) into a 1 MiB buffer that is mapped outside
// the Go heap, and decoded in batches of up to batchLen events by a hand
// written LEB128 decoder. Nothing here allocates on the Go heap per event.

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
	"os"
	"syscall"
	"unsafe"
)

const (
	headerSize = 20
	maxRecord  = 31      // tag + 3 varints of at most 10 bytes
	bufSize    = 1 << 20 // read buffer
	bufPad     = 64      // zeroed slack after the data at EOF (>= maxRecord + 8)

	tagAlloc    = 0x00
	tagAllocPtr = 0x80
	tagFree     = 0x01
	tagWork     = 0x02
	tagWrite    = 0x03
	tagGo       = 0x04
	tagExit     = 0x05
	tagStack    = 0x06
	tagGlobals  = 0x07
	tagGC       = 0x0a // runtime.GC()
	tagMemStats = 0x0b // runtime.ReadMemStats
)

// fieldCount is the number of varint fields after each tag byte; 0 = invalid tag.
var fieldCount = [256]uint8{tagAlloc: 3, tagAllocPtr: 3, tagFree: 1, tagWork: 2, tagWrite: 2,
	tagGo: 2, tagExit: 1, tagStack: 2, tagGlobals: 1, tagGC: 1, tagMemStats: 1}

// kindNames is indexed by tag&15. pool_put and pool_get (tags 8, 9) are not replayed (unknown tags).
var kindNames = [16]string{"alloc", "free", "work", "write", "go", "exit", "stack", "globals", "pool_put",
	"pool_get", "gc", "memstats"}

// event is one decoded record. Field use by tag:
//
//	alloc    a = id, g = goroutine, s = size_bytes, plus the fused records below
//	free     a = id
//	work     a = g, s = ns
//	write    a = g, s = count
//	go       a = g, s = stack_bytes
//	exit     a = g
//	stack    a = g, s = bytes
//	globals  a = bytes
//	gc       a = g
//	memstats a = g
//
// Fusion: the decoder folds the records that directly follow an alloc into it
// when that keeps the order: `write` records of the same goroutine (wr =
// total count) and then one `free` (fr = id + 1). The ring workload's
// alloc+write+free triple becomes one event, so the replay loop dispatches
// once per object instead of three times.
type event struct {
	a, s uint64
	g    uint32
	wr   uint32 // fused pointer writes after the alloc
	fr   uint32 // fused free after the writes: id + 1, 0 = none
	tag  uint8
}

const batchLen = 1024 // 32 KiB of decoded events: stays in the cache

// batch is the streaming decoder's output: a global pointer-free array,
// neither on the heap nor scanned by the GC.
var batch [batchLen]event

type traceReader struct {
	f       *os.File
	path    string
	buf     []byte // len bufSize+bufPad
	r, w    int    // unread data is buf[r:w]
	eof     bool
	base    int64 // file offset of buf[0]
	offHeap bool
	bound   uint32     // header object_id_bound
	kinds   [16]uint64 // records decoded, by kind (fused records included)
	records uint64     // records decoded
}

// openTrace opens path ("-" = standard input) and checks the header.
func openTrace(path string) *traceReader {
	f := os.Stdin
	if path != "-" {
		var err error
		if f, err = os.Open(path); err != nil {
			fail("%v", err)
		}
	}
	t := &traceReader{f: f, path: path}
	// An anonymous mapping is invisible to the GC: the read buffer does not
	// add to the heap that the replay is measuring.
	b, err := syscall.Mmap(-1, 0, bufSize+bufPad, syscall.PROT_READ|syscall.PROT_WRITE,
		syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err == nil {
		t.buf, t.offHeap = b, true
	} else {
		t.buf = make([]byte, bufSize+bufPad)
	}
	if err := t.fill(); err != nil {
		fail("%v", err)
	}
	if t.w < headerSize {
		fail("%s: truncated header: %d bytes, the version-1 header has %d", path, t.w, headerSize)
	}
	h := t.buf[:headerSize]
	if string(h[:8]) != "GCSIMTRC" {
		fail("%s: bad magic: a binary trace starts with the 8 bytes 'GCSIMTRC' (convert a text trace with 'gcsim trace convert IN.gct OUT.gctb')", path)
	}
	if v := binary.LittleEndian.Uint32(h[8:]); v != 1 {
		fail("%s: unsupported trace version %d; this replayer reads version 1", path, v)
	}
	if fl := binary.LittleEndian.Uint32(h[12:]); fl != 0 {
		fail("%s: unsupported flags %d; version 1 defines none (must be 0)", path, fl)
	}
	t.bound = binary.LittleEndian.Uint32(h[16:])
	t.r = headerSize
	return t
}

// fill moves the unread bytes to the front and reads until the buffer is full
// or the file ends. At EOF the bytes after the data are zeroed, so a truncated
// record decodes into garbage that decode detects by r > w.
func (t *traceReader) fill() error {
	n := copy(t.buf, t.buf[t.r:t.w])
	t.base += int64(t.r)
	t.r, t.w = 0, n
	for t.w < bufSize && !t.eof {
		m, err := t.f.Read(t.buf[t.w:bufSize])
		t.w += m
		if err == io.EOF {
			t.eof = true
		} else if err != nil {
			return fmt.Errorf("%s: read: %v", t.path, err)
		}
	}
	if t.eof {
		for i := t.w; i < len(t.buf); i++ {
			t.buf[i] = 0
		}
	}
	return nil
}

// at returns the byte at offset r of the read buffer without a bounds check:
// the decoder stays below w+maxRecord and the buffer has bufPad slack bytes.
func at(p unsafe.Pointer, r int) uint64 { return uint64(*(*byte)(unsafe.Add(p, r))) }

// badVarint is set, with its byte offset, when a varint is longer than 10
// bytes or >= 2^64.
var (
	badVarint    bool
	badVarintOff int
)

// varintLong decodes a varint of any length up to 10 bytes at offset r and
// returns the offset after it.
//
//go:noinline
func varintLong(p unsafe.Pointer, r int) (uint64, int) {
	x := *(*uint64)(unsafe.Add(p, r))
	if stop := ^x & 0x8080808080808080; stop != 0 { // at most 8 bytes: pack the 7-bit groups
		nb := uint(bits.TrailingZeros64(stop)) + 1 // 8 * length
		x &= 1<<nb - 1
		x = x&0x007f007f007f007f | x&0x7f007f007f007f00>>1
		x = x&0x00003fff00003fff | x&0x3fff00003fff0000>>2
		return x&0x0fffffff | x&0x0fffffff00000000>>4, r + int(nb>>3)
	}
	var v uint64
	var s uint
	for i := 0; i < 10; i++ {
		c := at(p, r+i)
		if i == 9 && c > 1 {
			break // >= 2^64
		}
		v |= (c & 0x7f) << s
		if c < 0x80 {
			return v, r + i + 1
		}
		s += 7
	}
	if !badVarint {
		badVarint, badVarintOff = true, r
	}
	return 0, r + 10
}

// decode decodes records into dst (fusing as described at event) until dst
// is full or the trace ends, and returns the number of events written
// (0 at the end of the trace). The loop makes no calls on its common path,
// so its state stays in registers.
func (t *traceReader) decode(dst []event) int {
	if !t.eof && t.w-t.r < len(dst)*maxRecord {
		if err := t.fill(); err != nil {
			fail("%v", err)
		}
	}
	p := unsafe.Pointer(&t.buf[0])
	r, w := t.r, t.w
	r0 := r
	var tag uint8
	var kinds [16]uint64
	n, rec := 0, 0
	fuse := false // dst[n-1] is an alloc that may absorb following writes / a free
	for ; n < len(dst) && r < w; rec++ {
		r0 = r
		tag = uint8(at(p, r))
		nf := fieldCount[tag]
		if nf == 0 {
			t.recordError(tag, t.base+int64(r0))
		}
		// The varint decoder is written out three times: the Go 1.19 inliner
		// rejects it as a function. One- to three-byte varints (nearly all
		// fields) come from one unaligned little-endian 8-byte load; r advances
		// by a constant per branch, so the CPU predicts the record boundaries
		// instead of waiting for each length.
		var a, b, s, x uint64
		r++
		x = *(*uint64)(unsafe.Add(p, r))
		if x&0x80 == 0 {
			a, r = x&0x7f, r+1
		} else if x&0x8000 == 0 {
			a, r = x&0x7f|x>>1&0x3f80, r+2
		} else if x&0x800000 == 0 {
			a, r = x&0x7f|x>>1&0x3f80|x>>2&0x1fc000, r+3
		} else {
			a, r = varintLong(p, r)
		}
		if nf >= 2 {
			x = *(*uint64)(unsafe.Add(p, r))
			if x&0x80 == 0 {
				b, r = x&0x7f, r+1
			} else if x&0x8000 == 0 {
				b, r = x&0x7f|x>>1&0x3f80, r+2
			} else if x&0x800000 == 0 {
				b, r = x&0x7f|x>>1&0x3f80|x>>2&0x1fc000, r+3
			} else {
				b, r = varintLong(p, r)
			}
			if nf == 3 {
				x = *(*uint64)(unsafe.Add(p, r))
				if x&0x80 == 0 {
					s, r = x&0x7f, r+1
				} else if x&0x8000 == 0 {
					s, r = x&0x7f|x>>1&0x3f80, r+2
				} else if x&0x800000 == 0 {
					s, r = x&0x7f|x>>1&0x3f80|x>>2&0x1fc000, r+3
				} else {
					s, r = varintLong(p, r)
				}
			}
		}
		kinds[tag&15]++
		if fuse {
			prev := &dst[n-1]
			if tag == tagWrite && prev.fr == 0 && a == uint64(prev.g) && uint64(prev.wr)+b < 1<<32 {
				prev.wr += uint32(b)
				continue
			}
			if tag == tagFree && prev.fr == 0 && a < 1<<32-1 {
				prev.fr = uint32(a + 1)
				continue
			}
		}
		e := &dst[n]
		n++
		if nf == 3 { // alloc: id, g, size
			if b > 1<<32-1 {
				fail("%s: byte %d: alloc: g %d is out of range; must be in [0, 4294967295]", t.path, t.base+int64(r0), b)
			}
			e.a, e.g, e.s = a, uint32(b), s
			fuse = true
		} else {
			e.a, e.g, e.s = a, 0, b
			fuse = false
		}
		e.wr, e.fr, e.tag = 0, 0, tag
	}
	if r > w || badVarint { // only possible at the end of the file
		t.recordError(tag, t.base+int64(r0))
	}
	t.r = r
	for i, k := range kinds {
		t.kinds[i] += k
	}
	t.records += uint64(rec)
	return n
}

func (t *traceReader) recordError(tag byte, off int64) {
	if fieldCount[tag] == 0 {
		fail("%s: byte %d: unknown record tag 0x%02x; allowed: 0x00-0x07, 0x0a, 0x0b (%v) and 0x80 (pointerful alloc)", t.path, off, tag, kindNames)
	}
	if badVarint {
		fail("%s: byte %d: bad varint: longer than 10 bytes or >= 2^64", t.path, t.base+int64(badVarintOff))
	}
	fail("%s: byte %d: truncated record: the file ends inside a '%s' record", t.path, off, kindNames[tag&15])
}

// ---------------------------------------------------------------------------
// Event sources: streaming (decode batch by batch while replaying) or
// preloaded (decode everything into off-heap memory first, replay from there).

// segEvents is the size of one preload segment (64 MiB of events).
const segEvents = 1 << 21

type source struct {
	t        *traceReader
	segs     [][]event // preloaded events (off-heap mappings)
	seg, off int       // position in segs
	stream   bool      // segments done: continue decoding from t
	// preloaded counts
	preloadedEvents uint64
	preloadedBytes  uint64
	complete        bool // the whole trace was preloaded
}

// preload decodes the trace into anonymous mappings until it ends or maxBytes
// of events are held; the rest, if any, is streamed during the replay.
func preload(t *traceReader, maxBytes uint64) *source {
	src := &source{t: t}
	esz := uint64(unsafe.Sizeof(event{}))
	for {
		if src.preloadedBytes+segEvents*esz > maxBytes {
			break
		}
		m, err := syscall.Mmap(-1, 0, int(segEvents*esz), syscall.PROT_READ|syscall.PROT_WRITE,
			syscall.MAP_ANON|syscall.MAP_PRIVATE)
		if err != nil {
			break
		}
		seg := unsafe.Slice((*event)(unsafe.Pointer(&m[0])), segEvents)
		n := 0
		for n < segEvents {
			end := n + batchLen
			if end > segEvents {
				end = segEvents
			}
			k := t.decode(seg[n:end])
			if k == 0 {
				break
			}
			n += k
		}
		if n == 0 {
			syscall.Munmap(m)
			src.complete = true
			break
		}
		src.segs = append(src.segs, seg[:n])
		src.preloadedEvents += uint64(n)
		src.preloadedBytes += segEvents * esz
		if n < segEvents {
			src.complete = true
			break
		}
	}
	src.stream = len(src.segs) == 0
	return src
}

func streaming(t *traceReader) *source { return &source{t: t, stream: true} }

// next returns the next run of events; empty at the end of the trace.
func (s *source) next() []event {
	for !s.stream {
		if s.seg == len(s.segs) {
			s.stream = true
			break
		}
		seg := s.segs[s.seg]
		if s.off < len(seg) {
			end := s.off + batchLen
			if end > len(seg) {
				end = len(seg)
			}
			ev := seg[s.off:end]
			s.off = end
			return ev
		}
		s.seg, s.off = s.seg+1, 0
	}
	n := s.t.decode(batch[:])
	return batch[:n]
}
