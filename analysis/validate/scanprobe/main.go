// scanprobe: allocate a static heap of one-pointer objects and force two GCs; see README.md.
package main

import (
	"fmt"
	"os"
	"reflect"
	"runtime"
	"strconv"
	"unsafe"
)

var keep []unsafe.Pointer

func main() {
	size, _ := strconv.Atoi(os.Args[1])
	total, _ := strconv.Atoi(os.Args[2])
	words := size / 8
	var t reflect.Type
	up := reflect.TypeOf(unsafe.Pointer(nil))
	if words == 1 {
		t = reflect.StructOf([]reflect.StructField{{Name: "P", Type: up}})
	} else {
		t = reflect.StructOf([]reflect.StructField{{Name: "P", Type: up}, {Name: "Pad", Type: reflect.ArrayOf(words*8-8, reflect.TypeOf(byte(0)))}})
	}
	n := total / size
	keep = make([]unsafe.Pointer, n)
	for i := range keep {
		keep[i] = reflect.New(t).UnsafePointer()
	}
	fmt.Fprintf(os.Stderr, "size %d n %d table %d\n", size, n, n*8)
	runtime.GC()
	runtime.GC()
}
