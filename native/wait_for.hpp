#pragma once
// The blocking form of an asynchronous call that ends with (std::exception_ptr, Result): start it,
// wait for its callback, and return the result or rethrow the exception. Blocking callers (the
// CLI, the backend API) share the one asynchronous code path this way.
#include <exception>
#include <future>
#include <utility>

namespace ie {

template <typename Result, typename Start>
Result wait_for(Start&& start) {
  std::promise<Result> promise;
  std::future<Result> future = promise.get_future();
  start([&promise](std::exception_ptr error, Result result) {
    if (error) promise.set_exception(error);
    else promise.set_value(std::move(result));
  });
  return future.get();
}

}  // namespace ie
