// Minimal stand-in for palacaze/sigslot's <sigslot/signal.hpp> for the
// leak-listener-not-removed tests: `signal` is an alias of `signal_base`.
#ifndef LEAKGUARD_TEST_INPUTS_SIGSLOT_H
#define LEAKGUARD_TEST_INPUTS_SIGSLOT_H

namespace sigslot {

class connection {
public:
  connection();
  bool disconnect();
  bool valid() const;
};

class scoped_connection : public connection {
public:
  scoped_connection(connection &&c);
  ~scoped_connection();
};

namespace detail {
struct null_mutex {};
struct mutex {};
} // namespace detail

template <typename Lockable, typename... T> class signal_base {
public:
  signal_base();
  ~signal_base();
  // Defined: a local lambda type has no linkage.
  template <typename Callable> connection connect(Callable &&) { return {}; }
  template <typename Callable> scoped_connection connect_scoped(Callable &&c) {
    return scoped_connection(connect(c));
  }
  void disconnect_all();
  template <typename... U> void operator()(U &&...) {}
};

template <typename... T> using signal = signal_base<detail::mutex, T...>;
template <typename... T> using signal_st = signal_base<detail::null_mutex, T...>;

} // namespace sigslot

#endif
