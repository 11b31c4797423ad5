module locprobe

go 1.19
