#ifndef LAS_MPI_LOADER_H
#define LAS_MPI_LOADER_H

#include <stddef.h>

/* The few Open MPI calls data-parallel training makes, resolved at run time from libmpi.so.40
 * with dlopen, so `las` neither links nor needs Open MPI unless it is launched by mpirun.
 * Every function returns an MPI error code (0: success) unless said otherwise; `error`
 * receives a one-line reason when loading fails. */

/* Loads libmpi and resolves the calls and the predefined handles. 0 on success. */
int las_mpi_load(char *error, size_t error_size);
/* MPI_Init_thread asking for MPI_THREAD_FUNNELED (only the main thread calls MPI), then rank
 * and size of MPI_COMM_WORLD. */
int las_mpi_init(int *rank, int *size);
/* In-place sums over MPI_COMM_WORLD: every rank ends with the same element-wise sum. */
int las_mpi_allreduce_sum_float(float *values, int count);
int las_mpi_allreduce_sum_double(double *values, int count);
/* Ends every process of the job with `code`. */
void las_mpi_abort(int code);
int las_mpi_finalize(void);

#endif
