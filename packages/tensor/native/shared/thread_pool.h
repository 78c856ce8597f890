// A small persistent thread pool for the kernels (see thread_pool.cc).
#pragma once
#include <cstddef>
#include <functional>

namespace cristal {

// Runs work(0), ..., work(n - 1) concurrently, work(0) on the calling thread, and returns when all
// have finished. Calls from different threads (Node worker threads) are serialised.
void runParallel(std::size_t n, const std::function<void(std::size_t)>& work);

}  // namespace cristal
