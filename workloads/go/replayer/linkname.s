// Empty assembly file: lets main.go declare body-less functions that are
// bound with //go:linkname to runtime functions (reflect.unsafe_New,
// runtime.nanotime). Go 1.19 requires it for body-less declarations.
