#pragma once
// open_store, told what it may create: a command that only reads never leaves an empty store
// behind, and a mistyped path never becomes a tree of new folders.
#include <memory>
#include <stdexcept>
#include <string>

#include "native/store/counter_store.hpp"

namespace ie {

// What opening a store may create when it is not there yet. Redis is always there (a server
// answers or not), so this concerns SQLite files and their folders.
enum class StoreCreation {
  nothing,           // the file must exist: reading a store that is not there is a mistake
  file,              // a new file, in a folder that exists
  file_and_folders,  // a new file and its missing folders (what open_store(url) does)
};

// The store, or the file, or its folder, is not there and may not be created.
struct StoreNotFound : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Opens "sqlite:PATH", "redis://HOST:PORT[/DB]" or "redis-cluster://HOST:PORT,…[?wait=N]" creating at most `creation`; throws
// StoreNotFound ("no store at PATH", "no folder DIR for the store PATH") otherwise.
std::unique_ptr<CounterStore> open_store(const std::string& url, StoreCreation creation);

}  // namespace ie
