// jemalloc's options for the internal-events command, read by jemalloc at its start-up (the
// MALLOC_CONF environment variable still adds to them). Without a background thread jemalloc gives
// freed pages back to the system only while threads allocate: a receiver that goes quiet after a
// burst (a collector back after an outage, a load that ends) kept its peak resident memory for
// ever. With it, as Redis runs jemalloc, the pages go back after the decay time (10 s).
extern "C" {
// NOLINTNEXTLINE: the name and type are jemalloc's.
const char* malloc_conf = "background_thread:true";
}
