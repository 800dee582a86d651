/* jitl_api.c — dlopen libLLVM and fill the JitlApi table (see jitl_api.h). */
#define _GNU_SOURCE
#include "jit-llvm/jitl_api.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static const char *const llvm_libs[] = {"libLLVM-19.so", "/usr/lib/llvm-19/lib/libLLVM.so.1", "libLLVM.so.1"};

/* Filled once by load_once; immutable afterwards. */
static struct {
    pthread_once_t once;
    JitlApi api;
    char error[256];
    int ok;
} loaded = {.once = PTHREAD_ONCE_INIT};

static void load_once(void) {
    void *lib = NULL;
    for (size_t i = 0; i < sizeof llvm_libs / sizeof llvm_libs[0] && !lib; i++)
        lib = dlopen(llvm_libs[i], RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        snprintf(loaded.error, sizeof loaded.error, "cannot load libLLVM 19 (%s); install llvm-19", dlerror());
        return;
    }
#define JITL_API_RESOLVE(f)                                                                       \
    loaded.api.f = (__typeof__(f) *)dlsym(lib, #f);                                               \
    if (!loaded.api.f) {                                                                          \
        snprintf(loaded.error, sizeof loaded.error, "libLLVM lacks %s", #f);                      \
        return;                                                                                   \
    }
    JITL_LLVM_FUNCS(JITL_API_RESOLVE)
#undef JITL_API_RESOLVE
    loaded.ok = 1;
}

const JitlApi *jitl_api_load(char *err, size_t err_len) {
    pthread_once(&loaded.once, load_once);
    if (loaded.ok) return &loaded.api;
    snprintf(err, err_len, "%s", loaded.error);
    return NULL;
}
