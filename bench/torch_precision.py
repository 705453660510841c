"""torch's float32 matmul precision on CUDA, set and read the same way on every torch version: since torch 2.9
`torch.backends.cuda.matmul.fp32_precision` ("ieee" or "tf32"), before it `allow_tf32` (deprecated since)."""


def set_tf32(torch, enabled):
    matmul = torch.backends.cuda.matmul
    if hasattr(matmul, "fp32_precision"):
        matmul.fp32_precision = "tf32" if enabled else "ieee"
    else:
        matmul.allow_tf32 = enabled


def describe(torch):
    matmul = torch.backends.cuda.matmul
    if hasattr(matmul, "fp32_precision"):
        return f"float32 matmul precision {matmul.fp32_precision}"
    return f"TF32 matmul {'on' if matmul.allow_tf32 else 'off'}"
