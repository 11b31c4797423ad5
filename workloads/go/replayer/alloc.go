package main

import (
	"reflect"
	"unsafe"
)

// reflect.unsafe_New is runtime.reflect_unsafe_New: mallocgc(typ.size, typ, true).
// It is the allocation behind reflect.New, without reflect.New's per-call
// pointer-type lookup (a sync.Map load for StructOf types).
//
//go:linkname unsafe_New reflect.unsafe_New
func unsafe_New(typ unsafe.Pointer) unsafe.Pointer

// layoutFirst: a pointerful object of n words is struct{ P unsafe.Pointer; Pad [8n-8]byte }:
// one pointer word, then scalars (like ring_calibration's obj). The GC scans
// it up to its last pointer word (8 bytes of scan work).
// layoutAll: a pointerful object is [n]unsafe.Pointer: every word is a pointer
// slot (always nil), scanned in full (8n bytes of scan work).
const (
	layoutFirst = iota
	layoutAll
)

var (
	layout      = layoutFirst
	smallTypes  [4097]unsafe.Pointer // *rtype by word count, for objects up to 32 KiB
	largeTypes  = map[uint64]unsafe.Pointer{}
	keepTypes   []reflect.Type // keeps the reflect types reachable
	unsafePtrRT = reflect.TypeOf(unsafe.Pointer(nil))
)

func rtypeOf(t reflect.Type) unsafe.Pointer {
	return (*[2]unsafe.Pointer)(unsafe.Pointer(&t))[1]
}

func makeType(words uint64) unsafe.Pointer {
	var t reflect.Type
	if layout == layoutAll {
		t = reflect.ArrayOf(int(words), unsafePtrRT)
	} else if words == 1 {
		t = reflect.StructOf([]reflect.StructField{{Name: "P", Type: unsafePtrRT}})
	} else {
		t = reflect.StructOf([]reflect.StructField{
			{Name: "P", Type: unsafePtrRT},
			{Name: "Pad", Type: reflect.ArrayOf(int(words*8-8), reflect.TypeOf(byte(0)))},
		})
	}
	if uint64(t.Size()) != words*8 || t.Kind() == reflect.Invalid {
		fail("internal: type of %d words has size %d", words, t.Size())
	}
	keepTypes = append(keepTypes, t)
	return rtypeOf(t)
}

// allocPtr allocates a pointerful object of size bytes (rounded up to a whole
// word: Go types with pointers are word-aligned; every size class and page
// count is unchanged by the rounding).
func allocPtr(size uint64) unsafe.Pointer {
	words := (size + 7) >> 3
	if words < uint64(len(smallTypes)) {
		t := smallTypes[words]
		if t == nil {
			t = makeType(words)
			smallTypes[words] = t
		}
		return unsafe_New(t)
	}
	t := largeTypes[words]
	if t == nil {
		t = makeType(words)
		largeTypes[words] = t
	}
	return unsafe_New(t)
}

// allocNoscan allocates a pointer-free object of exactly size bytes; sizes
// below 16 go through the tiny allocator, exactly like make([]byte, n).
func allocNoscan(size uint64) unsafe.Pointer {
	b := make([]byte, size)
	return unsafe.Pointer(&b[0])
}
