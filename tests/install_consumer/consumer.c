#include <stdio.h>

#include "swflow.h"

int main(void) {
  const float x[] = {0.0f, 0.0f, 1.0f, 1.0f}, y[] = {2.0f, 2.0f, 3.0f, 3.0f}, theta[] = {1.0f, 0.0f};
  swf_context ctx;
  double sw = 0;
  if (swf_context_create(SWF_BACKEND_CPU, 1, &ctx) != SWF_OK) return 1;
  if (swf_sliced_wasserstein(ctx, x, 2, y, 2, 2, theta, 1, 2.0, &sw) != SWF_OK) return 1;
  swf_context_destroy(ctx);
  printf("libswflow %s: SW2 = %g\n", swf_version_string(), sw);
  return sw == 2.0 ? 0 : 1;
}
