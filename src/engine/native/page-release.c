// Node-API addon of the render worker (Linux): gives back to the system the pages of node-web-audio-api's
// offline output buffer that a streamed render has already captured. See src/engine/output-release.ts.
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/** True when every 32-bit word of the page equals `pattern`. */
static int page_holds_only(const uint32_t *page, size_t words, uint32_t pattern) {
  for (size_t i = 0; i < words; i++)
    if (page[i] != pattern) return 0;
  return 1;
}

// discardPagesHolding(address: bigint, byteLength: number, pattern: number /* uint32 */): number
// Releases (MADV_DONTNEED) the whole pages inside [address, address + byteLength) whose every word is
// `pattern`, and returns how many bytes it released. A page holding anything else is left alone, so a range
// that is not the buffer it was meant to be releases nothing.
static napi_value discard_pages_holding(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3) {
    napi_throw_type_error(env, NULL, "discardPagesHolding(address, byteLength, pattern)");
    return NULL;
  }
  uint64_t address = 0;
  bool lossless = false;
  double byte_length = 0;
  uint32_t pattern = 0;
  if (napi_get_value_bigint_uint64(env, argv[0], &address, &lossless) != napi_ok || !lossless ||
      napi_get_value_double(env, argv[1], &byte_length) != napi_ok || byte_length < 0 ||
      napi_get_value_uint32(env, argv[2], &pattern) != napi_ok) {
    napi_throw_type_error(env, NULL, "discardPagesHolding: address must be a bigint, byteLength a number, pattern a uint32");
    return NULL;
  }
  const uint64_t page_size = (uint64_t)sysconf(_SC_PAGESIZE);
  const uint64_t first = (address + page_size - 1) / page_size * page_size;
  const uint64_t end = (address + (uint64_t)byte_length) / page_size * page_size;
  const size_t words = page_size / sizeof(uint32_t);
  double released = 0;
  uint64_t run_start = 0;
  for (uint64_t page = first; page <= end; page += page_size) {
    const int holds = page < end && page_holds_only((const uint32_t *)(uintptr_t)page, words, pattern);
    if (holds && run_start == 0) run_start = page;
    if (!holds && run_start != 0) {
      if (madvise((void *)(uintptr_t)run_start, page - run_start, MADV_DONTNEED) == 0) released += (double)(page - run_start);
      run_start = 0;
    }
  }
  napi_value result;
  napi_create_double(env, released, &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "discardPagesHolding", NAPI_AUTO_LENGTH, discard_pages_holding, NULL, &fn);
  napi_set_named_property(env, exports, "discardPagesHolding", fn);
  return exports;
}
