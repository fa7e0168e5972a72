/* OpenBLAS sgemm throughput on the shapes of the las-bench train step (row-major, B transposed
 * as in Linear.forward): layer-1 input projection (k=80), layers 2-3 input projection (k=1024),
 * the recurrent product (m=16), and a weight-gradient product (k = T*B). Run by bench_sgemm.sh. */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
char* openblas_get_corename(void);
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(int argc,char**argv){int th=atoi(argv[1]);openblas_set_num_threads(th);printf("core %s threads %d\n",openblas_get_corename(),th);
 int shapes[][3]={{4800,1024,80},{2400,1024,1024},{16,1024,256},{1024,1024,4800}};
 for(int s=0;s<4;s++){int m=shapes[s][0],n=shapes[s][1],k=shapes[s][2];float*a=calloc(m*k,4),*b=calloc(k*n,4),*c=calloc(m*n,4);
  for(int i=0;i<m*k;i++)a[i]=1e-3*(i%7);for(int i=0;i<k*n;i++)b[i]=1e-3*(i%5);
  int reps=(int)(2e9/(2.0*m*n*k))+1; double t0=now();for(int r=0;r<reps;r++)cblas_sgemm(CblasRowMajor,CblasNoTrans,CblasTrans,m,n,k,1,a,k,b,k,0,c,n);double t=now()-t0;
  printf("m=%d n=%d k=%d: %.1f GFLOP/s\n",m,n,k,2.0*m*n*k*reps/t/1e9);}
}
