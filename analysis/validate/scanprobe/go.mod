module scanprobe
go 1.19
