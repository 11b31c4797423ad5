// Measures the first-touch cost of anonymous memory (page fault + kernel zeroing), fresh and after
// MADV_DONTNEED, in ns per byte: the physical basis of cost_model.page_fault_ns_per_byte.
//   cc -O2 -o /tmp/pf analysis/validate/page_fault_bench.c && /tmp/pf
#include <sys/mman.h>
#include <stdio.h>
#include <time.h>
#include <string.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(){size_t n=256ul<<20; for(int r=0;r<3;r++){char*p=mmap(0,n,PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS,-1,0);
double t=now(); for(size_t i=0;i<n;i+=4096)p[i]=1; double t1=now(); memset(p,0,n); double t2=now();
madvise(p,n,MADV_DONTNEED); double t3=now(); for(size_t i=0;i<n;i+=4096)p[i]=1; double t4=now();
printf("first touch %.3f ns/B (%.2f us/page); memset %.3f ns/B; after DONTNEED %.3f ns/B\n",(t1-t)/n*1e9,(t1-t)/(n/4096)*1e6,(t2-t1)/n*1e9,(t4-t3)/n*1e9); munmap(p,n);}}
