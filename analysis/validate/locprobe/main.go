// locprobe: mark CPU of the same one-pointer objects laid out and walked in different orders; see README.md.
package main

import (
	"fmt"
	"math/rand"
	"os"
	"reflect"
	"runtime"
	"strconv"
	"unsafe"
)

var keep []unsafe.Pointer
var junk []unsafe.Pointer

func main() {
	size, _ := strconv.Atoi(os.Args[1])
	total, _ := strconv.Atoi(os.Args[2])
	mode := os.Args[3]
	words := size / 8
	up := reflect.TypeOf(unsafe.Pointer(nil))
	t := reflect.StructOf([]reflect.StructField{{Name: "P", Type: up}, {Name: "Pad", Type: reflect.ArrayOf(words*8-8, reflect.TypeOf(byte(0)))}})
	n := total / size
	keep = make([]unsafe.Pointer, n)
	r := rand.New(rand.NewSource(1))
	switch mode {
	case "seq", "shuffle":
		for i := range keep {
			keep[i] = reflect.New(t).UnsafePointer()
		}
	case "sparse", "sparse-shuffle":
		junk = make([]unsafe.Pointer, n)
		for i := range keep {
			keep[i] = reflect.New(t).UnsafePointer()
			junk[i] = reflect.New(t).UnsafePointer()
		}
		junk = nil
		runtime.GC()
	}
	if mode == "grow" {
		keep = keep[:0]
		var fifo [16]unsafe.Pointer
		k := 0
		for i := 0; i < 8*n; i++ {
			o := reflect.New(t).UnsafePointer()
			if i%8 == 0 {
				keep = append(keep, o)
			} else {
				fifo[k%16] = o
				k++
			}
		}
		_ = fifo
		fmt.Fprintf(os.Stderr, "grow: %d live\n", len(keep))
	}
	if mode == "shuffle" || mode == "sparse-shuffle" {
		r.Shuffle(len(keep), func(i, j int) { keep[i], keep[j] = keep[j], keep[i] })
	}
	fmt.Fprintf(os.Stderr, "size %d n %d mode %s\n", size, n, mode)
	for i := 0; i < 5; i++ {
		runtime.GC()
	}
}
