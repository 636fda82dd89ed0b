#pragma once
// Names the calling thread (at most 15 characters), so `top -H`, `perf` and debuggers tell the
// receiver's threads apart.
#include <pthread.h>

namespace ie {

inline void name_this_thread(const char* name) { pthread_setname_np(pthread_self(), name); }

}  // namespace ie
