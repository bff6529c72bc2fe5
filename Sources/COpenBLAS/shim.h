#include <cblas.h>

// LAPACK's Cholesky factorisation and inverse, which libopenblas exports under their Fortran
// names (no LAPACKE header is installed). Fortran convention: every argument by pointer,
// column-major storage. The declarations match OpenBLAS's own f77blas.h, which leaves out
// gfortran's hidden length argument of `uplo`: it would be the sixth argument, passed in a
// register on x86-64 and arm64, and LAPACK only ever compares the flag's first character.
int spotrf_(char *uplo, int *n, float *a, int *lda, int *info);
int spotri_(char *uplo, int *n, float *a, int *lda, int *info);

// LAPACK's symmetric eigen-solver (divide and conquer), same convention: `jobz` and `uplo` flags
// by pointer without their hidden lengths.
int dsyevd_(char *jobz, char *uplo, int *n, double *a, int *lda, double *w, double *work, int *lwork,
            int *iwork, int *liwork, int *info);
