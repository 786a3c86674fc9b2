// Minimal stand-in for <boost/signals2.hpp> (Boost 1.74+ signatures) for the
// leak-listener-not-removed tests.
#ifndef LEAKGUARD_TEST_INPUTS_BOOST_SIGNALS2_H
#define LEAKGUARD_TEST_INPUTS_BOOST_SIGNALS2_H

namespace boost {
namespace signals2 {

class connection {
public:
  connection();
  ~connection();
  void disconnect() const;
  bool connected() const;
};

class scoped_connection : public connection {
public:
  scoped_connection();
  scoped_connection(const connection &other);
  ~scoped_connection();
};

enum connect_position { at_back, at_front };

template <typename Signature> class slot;
template <typename R, typename... Args> class slot<R(Args...)> {
public:
  // Defined: a local lambda type has no linkage.
  template <typename F> slot(const F &f) { (void)f; }
};

template <typename Signature> class signal;
template <typename R, typename... Args> class signal<R(Args...)> {
public:
  typedef slot<R(Args...)> slot_type;
  signal();
  signal(const signal &) = delete;
  ~signal();
  connection connect(const slot_type &slot,
                     connect_position position = at_back);
  void disconnect_all_slots();
  bool empty() const;
  void operator()(Args... args);
};

} // namespace signals2
} // namespace boost

#endif
