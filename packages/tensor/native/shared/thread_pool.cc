// Workers started once and parked on a condition variable: a training step makes a dozen to twenty
// parallel calls, and creating a thread for each costs some 40 us apiece. A worker spins briefly
// before parking, since the calls of one layer come back to back. Shared source, compiled into each
// addon that uses it (one pool per addon).
#include "thread_pool.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace cristal {
namespace {

class Pool {
 public:
  void run(std::size_t n, const std::function<void(std::size_t)>& work) {
    if (n <= 1) {
      if (n == 1) work(0);
      return;
    }
    std::lock_guard<std::mutex> caller(callMutex_);
    ensureWorkers(n - 1);
    {
      std::lock_guard<std::mutex> lock(m_);
      job_ = &work;
      participants_ = n - 1;
      remaining_.store(n - 1);
      generation_.fetch_add(1);
    }
    cv_.notify_all();
    work(0);
    while (remaining_.load() > 0) std::this_thread::yield();
    std::lock_guard<std::mutex> lock(m_);
    job_ = nullptr;
  }

 private:
  void ensureWorkers(std::size_t count) {
    while (workers_ < count) {
      const std::size_t index = workers_++;
      // the generation before this call's: a worker that starts late still sees the call as new
      const std::size_t seen = generation_.load();
      std::thread([this, index, seen] { loop(index, seen); }).detach();  // parked forever; never joined at exit
    }
  }

  void loop(std::size_t index, std::size_t seen) {
    for (;;) {
      // spin for about 50 us for the next call, then park
      const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(50);
      while (generation_.load() == seen && std::chrono::steady_clock::now() < until) std::this_thread::yield();
      const std::function<void(std::size_t)>* job = nullptr;
      {
        std::unique_lock<std::mutex> lock(m_);
        cv_.wait(lock, [&] { return generation_.load() != seen; });
        seen = generation_.load();
        if (index < participants_) job = job_;
      }
      if (job) {
        (*job)(index + 1);
        remaining_.fetch_sub(1);
      }
    }
  }

  std::mutex callMutex_, m_;
  std::condition_variable cv_;
  std::atomic<std::size_t> generation_{0}, remaining_{0};
  const std::function<void(std::size_t)>* job_ = nullptr;
  std::size_t participants_ = 0, workers_ = 0;
};

Pool& pool() {
  static Pool* p = new Pool();  // never destroyed: its threads outlive static destruction
  return *p;
}

}  // namespace

void runParallel(std::size_t n, const std::function<void(std::size_t)>& work) { pool().run(n, work); }

}  // namespace cristal
