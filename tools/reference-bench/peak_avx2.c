// Machine-limit probe for AVX2+FMA machines (Zen 3 and the like), written for Arcus (README.md here):
// measured fp32 FMA throughput with 12 independent ymm accumulators per thread
// (2 FMA pipes x 4-5 cycles latency).
// Build: gcc -O2 -mavx2 -mfma -fopenmp peak_avx2.c -o peak_avx2 ; Run: ./peak_avx2 [threads]
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <omp.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
static double fma_gflops(long iters){
  __m256 a[12]; for(int j=0;j<12;j++) a[j]=_mm256_set1_ps(1.0f+0.01f*j);
  __m256 m=_mm256_set1_ps(0.9999999f), c=_mm256_set1_ps(1e-7f);
  double t=now();
  for(long i=0;i<iters;i++){
    a[0]=_mm256_fmadd_ps(a[0],m,c);a[1]=_mm256_fmadd_ps(a[1],m,c);a[2]=_mm256_fmadd_ps(a[2],m,c);
    a[3]=_mm256_fmadd_ps(a[3],m,c);a[4]=_mm256_fmadd_ps(a[4],m,c);a[5]=_mm256_fmadd_ps(a[5],m,c);
    a[6]=_mm256_fmadd_ps(a[6],m,c);a[7]=_mm256_fmadd_ps(a[7],m,c);a[8]=_mm256_fmadd_ps(a[8],m,c);
    a[9]=_mm256_fmadd_ps(a[9],m,c);a[10]=_mm256_fmadd_ps(a[10],m,c);a[11]=_mm256_fmadd_ps(a[11],m,c);
  }
  double dt=now()-t; float s=0; for(int j=0;j<12;j++){float v[8];_mm256_storeu_ps(v,a[j]);s+=v[0];}
  if(s==12345.f)printf("!");
  return iters*12.0*8*2/dt/1e9;
}
int main(int argc,char**argv){
  int th=argc>1?atoi(argv[1]):1; long it=400000000L; double tot=0;
  #pragma omp parallel num_threads(th) reduction(+:tot)
  { tot+=fma_gflops(it); }
  printf("fma256_gflops_%dthreads %.1f\n",th,tot); return 0;
}
