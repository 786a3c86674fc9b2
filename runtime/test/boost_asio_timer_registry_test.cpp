// leakguard-sanitizers: tsan
// The asio adapter's tests again, against Boost.Asio: standalone asio and
// Boost.Asio cannot share a translation unit, so this is a second one.
#define LEAKGUARD_ASIO_BOOST 1
#include "asio_timer_registry_test.cpp"
