// Error checks for CUDA, cuBLAS and cuSOLVER calls (after RAFT's RAFT_CUDA_TRY): a failed call throws
// swf::Error with the call's text, file, line and the library's message; capi/ turns it into a status.
// Exhausted device memory is SWF_ERR_OUT_OF_MEMORY, anything else SWF_ERR_DEVICE. Nothing aborts.
//
//   SWF_CUDA_CHECK(cudaMemcpyAsync(...));
//   kernel<<<grid, block, 0, stream>>>(...);
//   SWF_CUDA_CHECK_LAUNCH();
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <cusolverDn.h>

#include <string>

#include "error.hpp"

namespace swf::gpu {

inline std::string call_site(const char* call, const char* file, int line) {
  return std::string(call) + " at " + file + ":" + std::to_string(line) + ": ";
}

[[noreturn]] inline void throw_cuda_error(cudaError_t status, const char* call, const char* file, int line) {
  // A failed allocation (or any non-sticky error) stays the thread's "last error" until read: clear it,
  // so that the launch checks of later calls do not report it again.
  cudaGetLastError();
  const swf_status code = status == cudaErrorMemoryAllocation ? SWF_ERR_OUT_OF_MEMORY : SWF_ERR_DEVICE;
  fail(code, call_site(call, file, line) + cudaGetErrorName(status) + ": " + cudaGetErrorString(status));
}

[[noreturn]] inline void throw_cublas_error(cublasStatus_t status, const char* call, const char* file, int line) {
  const swf_status code = status == CUBLAS_STATUS_ALLOC_FAILED ? SWF_ERR_OUT_OF_MEMORY : SWF_ERR_DEVICE;
  fail(code, call_site(call, file, line) + cublasGetStatusName(status) + ": " + cublasGetStatusString(status));
}

inline const char* cusolver_status_name(cusolverStatus_t status) {
  switch (status) {
    case CUSOLVER_STATUS_NOT_INITIALIZED: return "CUSOLVER_STATUS_NOT_INITIALIZED";
    case CUSOLVER_STATUS_ALLOC_FAILED: return "CUSOLVER_STATUS_ALLOC_FAILED";
    case CUSOLVER_STATUS_INVALID_VALUE: return "CUSOLVER_STATUS_INVALID_VALUE";
    case CUSOLVER_STATUS_ARCH_MISMATCH: return "CUSOLVER_STATUS_ARCH_MISMATCH";
    case CUSOLVER_STATUS_EXECUTION_FAILED: return "CUSOLVER_STATUS_EXECUTION_FAILED";
    case CUSOLVER_STATUS_INTERNAL_ERROR: return "CUSOLVER_STATUS_INTERNAL_ERROR";
    case CUSOLVER_STATUS_NOT_SUPPORTED: return "CUSOLVER_STATUS_NOT_SUPPORTED";
    case CUSOLVER_STATUS_INVALID_WORKSPACE: return "CUSOLVER_STATUS_INVALID_WORKSPACE";
    default: return "cuSOLVER error";
  }
}

[[noreturn]] inline void throw_cusolver_error(cusolverStatus_t status, const char* call, const char* file,
                                              int line) {
  const swf_status code = status == CUSOLVER_STATUS_ALLOC_FAILED ? SWF_ERR_OUT_OF_MEMORY : SWF_ERR_DEVICE;
  fail(code, call_site(call, file, line) + cusolver_status_name(status) + " (status " +
                 std::to_string(static_cast<int>(status)) + ")");
}

}  // namespace swf::gpu

#define SWF_CUDA_CHECK(call)                                                              \
  do {                                                                                    \
    const cudaError_t swf_cuda_status_ = (call);                                          \
    if (swf_cuda_status_ != cudaSuccess)                                                  \
      ::swf::gpu::throw_cuda_error(swf_cuda_status_, #call, __FILE__, __LINE__);          \
  } while (0)

// After every kernel launch: launch-configuration errors (and any earlier asynchronous failure).
#define SWF_CUDA_CHECK_LAUNCH() SWF_CUDA_CHECK(cudaGetLastError())

#define SWF_CUBLAS_CHECK(call)                                                            \
  do {                                                                                    \
    const cublasStatus_t swf_cublas_status_ = (call);                                     \
    if (swf_cublas_status_ != CUBLAS_STATUS_SUCCESS)                                      \
      ::swf::gpu::throw_cublas_error(swf_cublas_status_, #call, __FILE__, __LINE__);      \
  } while (0)

#define SWF_CUSOLVER_CHECK(call)                                                          \
  do {                                                                                    \
    const cusolverStatus_t swf_cusolver_status_ = (call);                                 \
    if (swf_cusolver_status_ != CUSOLVER_STATUS_SUCCESS)                                  \
      ::swf::gpu::throw_cusolver_error(swf_cusolver_status_, #call, __FILE__, __LINE__);  \
  } while (0)
