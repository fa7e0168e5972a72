// Open MPI through dlopen instead of linking: `las` then builds and runs on machines without
// Open MPI, and only a process launched by mpirun ever loads it. The handles MPI_COMM_WORLD,
// MPI_FLOAT, MPI_DOUBLE and MPI_SUM are, in Open MPI's ABI (libmpi.so.40, Open MPI 3 to 5),
// the addresses of the exported objects ompi_mpi_comm_world, ompi_mpi_float, ompi_mpi_double
// and ompi_mpi_op_sum, and MPI_IN_PLACE is the pointer value 1; so no mpi.h is needed to build.
#include "mpi_loader.h"

#include <dlfcn.h>
#include <stdio.h>

typedef void *Handle;
enum { THREAD_FUNNELED = 1 };
#define IN_PLACE ((void *)1)

static int (*init_thread)(int *, char ***, int, int *);
static int (*comm_rank)(Handle, int *);
static int (*comm_size)(Handle, int *);
static int (*allreduce)(const void *, void *, int, Handle, Handle, Handle);
static int (*abort_job)(Handle, int);
static int (*finalize)(void);
static Handle comm_world, float_type, double_type, sum_op;

static void *resolve(void *library, const char *name, char *error, size_t error_size) {
    void *symbol = dlsym(library, name);
    if (!symbol) snprintf(error, error_size, "libmpi.so.40 lacks %s (not Open MPI?)", name);
    return symbol;
}

int las_mpi_load(char *error, size_t error_size) {
    // RTLD_GLOBAL: Open MPI's own plugins (mca_*.so) resolve libmpi's symbols from the global scope.
    void *library = dlopen("libmpi.so.40", RTLD_NOW | RTLD_GLOBAL);
    if (!library) {
        snprintf(error, error_size, "launched by mpirun but cannot load Open MPI's libmpi.so.40 (%s); install openmpi-bin",
                 dlerror());
        return 1;
    }
    if (!(init_thread = resolve(library, "MPI_Init_thread", error, error_size))) return 1;
    if (!(comm_rank = resolve(library, "MPI_Comm_rank", error, error_size))) return 1;
    if (!(comm_size = resolve(library, "MPI_Comm_size", error, error_size))) return 1;
    if (!(allreduce = resolve(library, "MPI_Allreduce", error, error_size))) return 1;
    if (!(abort_job = resolve(library, "MPI_Abort", error, error_size))) return 1;
    if (!(finalize = resolve(library, "MPI_Finalize", error, error_size))) return 1;
    if (!(comm_world = resolve(library, "ompi_mpi_comm_world", error, error_size))) return 1;
    if (!(float_type = resolve(library, "ompi_mpi_float", error, error_size))) return 1;
    if (!(double_type = resolve(library, "ompi_mpi_double", error, error_size))) return 1;
    if (!(sum_op = resolve(library, "ompi_mpi_op_sum", error, error_size))) return 1;
    return 0;
}

int las_mpi_init(int *rank, int *size) {
    int provided = 0;
    int status = init_thread(NULL, NULL, THREAD_FUNNELED, &provided);
    if (status != 0) return status;
    if ((status = comm_rank(comm_world, rank)) != 0) return status;
    return comm_size(comm_world, size);
}

int las_mpi_allreduce_sum_float(float *values, int count) {
    return allreduce(IN_PLACE, values, count, float_type, sum_op, comm_world);
}

int las_mpi_allreduce_sum_double(double *values, int count) {
    return allreduce(IN_PLACE, values, count, double_type, sum_op, comm_world);
}

void las_mpi_abort(int code) { abort_job(comm_world, code); }

int las_mpi_finalize(void) { return finalize(); }
