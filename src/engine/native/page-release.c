// Node-API addon of the render worker (Linux): gives back to the system the pages of node-web-audio-api's
// offline output buffer that a streamed render has already captured. See src/engine/output-release.ts.
#define NAPI_VERSION 8
#include <node_api.h>
#include <fcntl.h>
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

// glibc's flag in a chunk's size word for a chunk that has a mapping of its own.
#define MALLOC_IS_MMAPPED 0x2

// startsMappedChunk(address: bigint, mappingBytes: number): boolean
// Whether the page at `address` begins a chunk that glibc's malloc mapped on its own with `mappingBytes` bytes:
// its header's size word (the second word) then holds that size with the "mmapped" flag. `address` must be the
// page-aligned start of memory that /proc/self/maps listed. The word is read through /proc/self/mem, so memory that
// another thread has unmapped since then gives false instead of a crash.
static napi_value starts_mapped_chunk(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  uint64_t address = 0;
  bool lossless = false;
  double mapping_bytes = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2 ||
      napi_get_value_bigint_uint64(env, argv[0], &address, &lossless) != napi_ok || !lossless ||
      napi_get_value_double(env, argv[1], &mapping_bytes) != napi_ok || mapping_bytes <= 0) {
    napi_throw_type_error(env, NULL, "startsMappedChunk(address: bigint, mappingBytes: number)");
    return NULL;
  }
  const uint64_t page_size = (uint64_t)sysconf(_SC_PAGESIZE);
  int matches = 0;
  if (address != 0 && address % page_size == 0) {
    const int fd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
    uint64_t size_word = 0;
    if (fd >= 0) {
      if (pread(fd, &size_word, sizeof size_word, (off_t)(address + sizeof(uint64_t))) == (ssize_t)sizeof size_word)
        matches = size_word == ((uint64_t)mapping_bytes | MALLOC_IS_MMAPPED);
      close(fd);
    }
  }
  napi_value result;
  napi_get_boolean(env, matches, &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "discardPagesHolding", NAPI_AUTO_LENGTH, discard_pages_holding, NULL, &fn);
  napi_set_named_property(env, exports, "discardPagesHolding", fn);
  napi_create_function(env, "startsMappedChunk", NAPI_AUTO_LENGTH, starts_mapped_chunk, NULL, &fn);
  napi_set_named_property(env, exports, "startsMappedChunk", fn);
  return exports;
}
