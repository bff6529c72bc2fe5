// Open MPI for Swift: MPI's communicators, datatypes and operations are C macros, which Swift
// cannot import, so each call data-parallel training needs is wrapped here in a static inline
// function on MPI_COMM_WORLD. Counts above INT_MAX are split (MPI counts are int).
#ifndef PIPELINE_CMPI_SHIM_H
#define PIPELINE_CMPI_SHIM_H

#include <mpi.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

/// MPI_Init_thread (serialized: one thread at a time calls MPI). Errors return instead of aborting,
/// so the caller can say which operation failed and why before ending the job.
static inline int pipeline_mpi_init(void) {
    int provided = 0;
    int rc = MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided);
    if (rc == MPI_SUCCESS) MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    return rc;
}

static inline int pipeline_mpi_finalize(void) { return MPI_Finalize(); }

static inline int pipeline_mpi_rank(void) {
    int rank = -1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return rank;
}

static inline int pipeline_mpi_size(void) {
    int size = 0;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    return size;
}

static inline int pipeline_mpi_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }

/// Ends every process of the job with `code` (MPI_Abort on the world).
static inline void pipeline_mpi_abort(int code) { MPI_Abort(MPI_COMM_WORLD, code); }

/// The text of an MPI error code, into `out` (at most `capacity` bytes, NUL-terminated).
static inline void pipeline_mpi_error_string(int code, char *out, int capacity) {
    char text[MPI_MAX_ERROR_STRING];
    int length = 0;
    if (MPI_Error_string(code, text, &length) != MPI_SUCCESS) length = 0;
    int n = length < capacity - 1 ? length : capacity - 1;
    for (int i = 0; i < n; i++) out[i] = text[i];
    out[n] = 0;
}

/// Element-wise sum of `count` floats across the world, in place, on every rank (MPI_Allreduce).
static inline int pipeline_mpi_allreduce_sum_float(float *values, int64_t count) {
    const int64_t chunk = 1 << 30;
    for (int64_t start = 0; start < count; start += chunk) {
        int n = (int)(count - start < chunk ? count - start : chunk);
        int rc = MPI_Allreduce(MPI_IN_PLACE, values + start, n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
        if (rc != MPI_SUCCESS) return rc;
    }
    return MPI_SUCCESS;
}

/// Sums every rank's part `counts[rank]` of `values` (the parts one after another) into this rank's
/// part, in place: in rounds k = 1, 2, …, size − 1, this rank sends rank + k its part and adds rank − k's
/// copy of its own part (received into `scratch`, counts[rank] floats). A reduce-scatter by pairs:
/// MPI_Reduce_scatter took as long as a whole allreduce here (docs/benchmarks.md).
static inline int pipeline_mpi_reduce_scatter_sum_float(float *values, float *scratch, const int *counts) {
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    int64_t mine = 0;
    for (int r = 0; r < rank; r++) mine += counts[r];
    for (int k = 1; k < size; k++) {
        int to = (rank + k) % size, from = (rank - k + size) % size;
        int64_t theirs = 0;
        for (int r = 0; r < to; r++) theirs += counts[r];
        int rc = MPI_Sendrecv(values + theirs, counts[to], MPI_FLOAT, to, 7301, scratch, counts[rank], MPI_FLOAT, from, 7301,
                              MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (rc != MPI_SUCCESS) return rc;
        float *own = values + mine;
        for (int i = 0; i < counts[rank]; i++) own[i] += scratch[i];
    }
    return MPI_SUCCESS;
}

/// Fills `values` from every rank's part (`counts[r]` floats at `offsets[r]`), in place (MPI_Allgatherv).
static inline int pipeline_mpi_allgather_parts_float(float *values, const int *counts, const int *offsets) {
    return MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, values, counts, offsets, MPI_FLOAT, MPI_COMM_WORLD);
}

/// Every rank's `value`, in rank order, into `out` (one per rank).
static inline int pipeline_mpi_allgather_int64(int64_t value, int64_t *out) {
    return MPI_Allgather(&value, 1, MPI_INT64_T, out, 1, MPI_INT64_T, MPI_COMM_WORLD);
}

/// Every rank's bytes, concatenated in rank order into `out`; `counts` holds each rank's length
/// (from pipeline_mpi_allgather_int64). The total must stay below 2 GiB (MPI's int displacements).
static inline int pipeline_mpi_allgatherv_bytes(const void *bytes, int64_t count, void *out, const int64_t *counts) {
    int size = pipeline_mpi_size();
    int *lengths = malloc(sizeof(int) * (size_t)size), *offsets = malloc(sizeof(int) * (size_t)size);
    if (!lengths || !offsets) { free(lengths); free(offsets); return MPI_ERR_NO_MEM; }
    int64_t offset = 0;
    for (int r = 0; r < size; r++) {
        lengths[r] = (int)counts[r];
        offsets[r] = (int)offset;
        offset += counts[r];
    }
    int rc = offset > 0x7fffffff ? MPI_ERR_COUNT
        : MPI_Allgatherv(bytes, (int)count, MPI_BYTE, out, lengths, offsets, MPI_BYTE, MPI_COMM_WORLD);
    free(lengths);
    free(offsets);
    return rc;
}

/// Waits for `request`, sleeping `sleep_us` between tests instead of spinning in MPI's progress
/// loop: ranks that wait for another (rank 0 loading, a rank still extracting) leave it the cores.
static inline int pipeline_mpi_wait_sleeping(MPI_Request *request, unsigned sleep_us) {
    int done = 0;
    while (!done) {
        int rc = MPI_Test(request, &done, MPI_STATUS_IGNORE);
        if (rc != MPI_SUCCESS) return rc;
        if (!done) usleep(sleep_us);
    }
    return MPI_SUCCESS;
}

/// MPI_Bcast of `count` bytes from `root`, waiting with sleeps of `sleep_us` between tests.
static inline int pipeline_mpi_bcast_bytes_sleeping(void *bytes, int count, int root, unsigned sleep_us) {
    MPI_Request request;
    int rc = MPI_Ibcast(bytes, count, MPI_BYTE, root, MPI_COMM_WORLD, &request);
    return rc != MPI_SUCCESS ? rc : pipeline_mpi_wait_sleeping(&request, sleep_us);
}

/// Every rank's `value`, in rank order, into `out` (one per rank), waiting with sleeps.
static inline int pipeline_mpi_allgather_int64_sleeping(int64_t value, int64_t *out, unsigned sleep_us) {
    MPI_Request request;
    int rc = MPI_Iallgather(&value, 1, MPI_INT64_T, out, 1, MPI_INT64_T, MPI_COMM_WORLD, &request);
    return rc != MPI_SUCCESS ? rc : pipeline_mpi_wait_sleeping(&request, sleep_us);
}

/// Every rank's `count` bytes, concatenated in rank order into `out` on `root` (MPI_Gatherv;
/// `counts` and `offsets`, one per rank, are read on `root` only), waiting with sleeps.
static inline int pipeline_mpi_gatherv_bytes_sleeping(const void *bytes, int count, void *out, const int *counts,
                                                      const int *offsets, int root, unsigned sleep_us) {
    MPI_Request request;
    int rc = MPI_Igatherv(bytes, count, MPI_BYTE, out, counts, offsets, MPI_BYTE, root, MPI_COMM_WORLD, &request);
    return rc != MPI_SUCCESS ? rc : pipeline_mpi_wait_sleeping(&request, sleep_us);
}

#endif
