// Machine-limit probe for AVX-512 machines (Zen 4/5, Xeons), written for Arcus (README.md here): the
// same loop as peak_avx2.c with 512-bit zmm accumulators (12 per thread). On Zen 5 the 256-bit loop
// reaches only half the peak: each FMA pipe is 512 bits wide.
// Build: gcc -O2 -mavx512f -fopenmp peak_avx512.c -o peak_avx512 ; Run: ./peak_avx512 [threads]
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <omp.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
static double fma_gflops(long iters){
  __m512 a[12]; for(int j=0;j<12;j++) a[j]=_mm512_set1_ps(1.0f+0.01f*j);
  __m512 m=_mm512_set1_ps(0.9999999f), c=_mm512_set1_ps(1e-7f);
  double t=now();
  for(long i=0;i<iters;i++){
    a[0]=_mm512_fmadd_ps(a[0],m,c);a[1]=_mm512_fmadd_ps(a[1],m,c);a[2]=_mm512_fmadd_ps(a[2],m,c);
    a[3]=_mm512_fmadd_ps(a[3],m,c);a[4]=_mm512_fmadd_ps(a[4],m,c);a[5]=_mm512_fmadd_ps(a[5],m,c);
    a[6]=_mm512_fmadd_ps(a[6],m,c);a[7]=_mm512_fmadd_ps(a[7],m,c);a[8]=_mm512_fmadd_ps(a[8],m,c);
    a[9]=_mm512_fmadd_ps(a[9],m,c);a[10]=_mm512_fmadd_ps(a[10],m,c);a[11]=_mm512_fmadd_ps(a[11],m,c);
  }
  double dt=now()-t; float s=0; for(int j=0;j<12;j++){float v[16];_mm512_storeu_ps(v,a[j]);s+=v[0];}
  if(s==12345.f)printf("!");
  return iters*12.0*16*2/dt/1e9;
}
int main(int argc,char**argv){
  int th=argc>1?atoi(argv[1]):1; long it=400000000L; double tot=0;
  #pragma omp parallel num_threads(th) reduction(+:tot)
  { tot+=fma_gflops(it); }
  printf("fma512_gflops_%dthreads %.1f\n",th,tot); return 0;
}
