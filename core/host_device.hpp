// SWF_HOST_DEVICE marks the inline functions that the CPU backend and the CUDA kernels share, so both
// compute the same numbers from the same formulas.
#pragma once

#if defined(__CUDACC__)
#define SWF_HOST_DEVICE __host__ __device__
#else
#define SWF_HOST_DEVICE
#endif
